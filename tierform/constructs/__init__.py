"""cdktf constructs. Every import of cdktf or a provider package lives here or in stacks/,
so a move to the maintained fork (cdktn) stays a mechanical rename."""
