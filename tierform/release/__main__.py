from tierform.release.cli import main

main()
