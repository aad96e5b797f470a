from connectors.console.app import main

main()
