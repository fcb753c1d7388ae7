"""`index build|status`, `search`, `ingest`, `corpus list`. Light at import: heavy modules load in the handlers."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

STAGES = {"read corpus": "Reading corpus", "embed": "Embedding chunks", "index": "Writing FAISS + BM25",
          "ingest": "Extracting documents"}


@contextmanager
def rich_progress(enabled: bool = True):
    """A progress(stage, done, total) callback drawing one rich bar per stage (on stderr)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False, disable=not console.is_terminal) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(STAGES.get(stage, stage), total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        yield progress


def _say(msg: str) -> None:
    print(msg, file=sys.stderr)


def cmd_index_build(args, settings) -> int:
    from gsi_explorer.index import store

    st = store.status(settings)
    if st.fresh and not args.force:
        if not args.if_stale:
            print(f"index is fresh ({st.reason}) — nothing to do")
        return 0
    if st.state in ("stale", "corrupt"):
        _say(f"index {st.state}: {st.reason} — rebuilding")
    with rich_progress() as progress:
        manifest = store.build(settings, progress)
    c = manifest["counts"]
    print(f"index built: {c['chunks']} chunks ({c.get('kind:paper', 0)} paper, {c.get('kind:readout', 0)} readout, "
          f"{c.get('kind:user', 0)} user), {c['embedded']} embedded, FAISS {manifest['faiss']['type']}, "
          f"{manifest['timings_s']['total']:.1f} s → {store.current_dir(settings)}")
    return 0


def cmd_index_status(args, settings) -> int:
    from gsi_explorer.index import store

    st = store.status(settings)
    if args.json:
        print(json.dumps({"state": st.state, "reason": st.reason, "manifest": store.read_manifest(settings)}))
    else:
        print(f"{st.state}: {st.reason}")
    return 0 if st.fresh else 1


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_search(args, settings) -> int:
    from gsi_explorer.index.retrieve import Retriever, filters_from

    notify = _say
    with rich_progress(not args.json) as progress:
        retriever = Retriever.load(settings, progress=progress, notify=notify)
    filters = filters_from(kinds=args.kind, date_from=args.date_from, date_to=args.date_to,
                           countries=args.country, officials=args.official)
    hits = retriever.search(args.query, k=args.k or settings.index.k, filters=filters, mode=args.mode)
    if args.json:
        print(json.dumps({"query": args.query, "results": [h.to_json() for h in hits]}, ensure_ascii=False))
        return 0
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    expanded = retriever.expand(args.query)
    if expanded != args.query:
        console.print(f"[dim]expanded: {escape(expanded)}[/dim]")
    if not hits:
        console.print("no matching passages")
    for h in hits:
        where = h.section or ""
        if h.kind == "readout":
            where = f"event {h.event_key}"
        elif h.paragraph is not None:
            where = f"{where} ¶{h.paragraph}".strip()
        console.print(f"[bold]{h.rank}.[/bold] [cyan]{h.score:.4f}[/cyan]  [green]{escape(h.doc)}[/green]  "
                      f"{escape(where)}")
        console.print(f"   {escape(_shorten(h.text, 400))}")
        if h.url:
            console.print(f"   [dim]{escape(h.url)}[/dim]")
    return 0


def cmd_ingest(args, settings) -> int:
    from gsi_explorer.index import store
    from gsi_explorer.index.ingest import ingest

    with rich_progress() as progress:
        results = ingest([Path(p) for p in args.paths], progress)
    width = max((len(r.status) for r in results), default=0)
    for r in results:
        detail = f"{r.doc_id}  {r.title}" if r.doc_id else ""
        print(f"{r.status:<{width}}  {r.path}  {detail}  {r.message}".rstrip())
    added = sum(r.status in ("added", "updated") for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    print(f"{added} added or updated, {sum(r.status == 'unchanged' for r in results)} unchanged, {skipped} skipped")
    if added and not args.no_index:
        with rich_progress() as progress:
            store.ensure_index(settings, progress, notify=_say)
        print("index updated")
    return 0 if added or not skipped else 1


def cmd_corpus_list(args, settings) -> int:
    from gsi_explorer.corpus.paper import load_paper
    from gsi_explorer.index.ingest import list_documents

    paper = load_paper()
    docs = list_documents()
    rows = [{"doc": paper.meta.get("doc_id", "paper"), "kind": "paper", "title": paper.meta.get("title"),
             "date": paper.meta.get("date"), "source": paper.meta.get("url"), "sha256": paper.sha256,
             "paragraphs": len(paper.paragraphs)}]
    rows += [{"doc": d.doc_id, "kind": f"user/{d.kind}", "title": d.title, "date": d.date, "source": d.source_path,
              "sha256": d.sha256, "chars": d.chars, "ingested": d.ingested_at} for d in docs]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table("doc", "kind", "title", "date", "source")
    for r in rows:
        table.add_row(r["doc"], r["kind"], _shorten(r["title"] or "", 60), r["date"] or "", r["source"] or "")
    Console().print(table)
    print("event readouts: one passage per event in the database (regenerated at index build)")
    return 0


def cmd_corpus_remove(args, settings) -> int:
    from gsi_explorer.index import store
    from gsi_explorer.index.ingest import remove_document

    missing = [d for d in args.doc_ids if not remove_document(d)]
    for d in missing:
        _say(f"no ingested document {d} — see `gsi-explorer corpus list`")
    if len(missing) < len(args.doc_ids):
        with rich_progress() as progress:
            store.ensure_index(settings, progress, notify=_say)
    return 1 if missing else 0


def register(subparsers, common) -> None:
    p_index = subparsers.add_parser("index", parents=[common], help="build or check the retrieval index")
    isub = p_index.add_subparsers(dest="index_command", metavar="ACTION", required=True)
    b = isub.add_parser("build", parents=[common], help="build the index (paper, event readouts, your documents)")
    b.add_argument("--if-stale", action="store_true", help="do nothing, silently, when the index is fresh")
    b.add_argument("--force", action="store_true", help="rebuild even when fresh")
    b.set_defaults(handler=cmd_index_build)
    s = isub.add_parser("status", parents=[common], help="fresh / stale / missing / corrupt, and why")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=cmd_index_status)

    q = subparsers.add_parser("search", parents=[common], help="ranked passages for a query, with provenance")
    q.add_argument("query")
    q.add_argument("-k", type=int, default=None, help="number of results (default: settings index.k)")
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q.add_argument("--mode", choices=("hybrid", "bm25", "dense"), default="hybrid")
    q.add_argument("--kind", action="append", choices=("paper", "readout", "user"), help="only these kinds")
    q.add_argument("--country", action="append", help="only passages about this country (repeatable)")
    q.add_argument("--official", action="append", help="only passages about this official (repeatable)")
    q.add_argument("--from", dest="date_from", help="events on or after YYYY[-MM[-DD]]")
    q.add_argument("--to", dest="date_to", help="events on or before YYYY[-MM[-DD]]")
    q.set_defaults(handler=cmd_search)

    g = subparsers.add_parser("ingest", parents=[common], help="add your own documents (txt, md, html, pdf)")
    g.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    g.add_argument("--no-index", action="store_true", help="do not update the index afterwards")
    g.set_defaults(handler=cmd_ingest)

    c = subparsers.add_parser("corpus", parents=[common], help="documents in the corpus")
    csub = c.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)
    cl = csub.add_parser("list", parents=[common], help="list the paper and your ingested documents")
    cl.add_argument("--json", action="store_true")
    cl.set_defaults(handler=cmd_corpus_list)
    cr = csub.add_parser("remove", parents=[common], help="remove ingested documents by id")
    cr.add_argument("doc_ids", nargs="+", metavar="DOC_ID")
    cr.set_defaults(handler=cmd_corpus_remove)

