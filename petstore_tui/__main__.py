from petstore_tui.cli import main

raise SystemExit(main())
