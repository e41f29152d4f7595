"""Sub-commands of `dangjian`, one module per area; discovered by cli.build_parser."""
