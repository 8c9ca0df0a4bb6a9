from xihu_desk.cli import main

raise SystemExit(main())
