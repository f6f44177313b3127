from partwatch.cli import main

main()
