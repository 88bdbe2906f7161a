from tierform.cli import main

main()
