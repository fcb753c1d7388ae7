from gsi_explorer.cli import main

raise SystemExit(main())
