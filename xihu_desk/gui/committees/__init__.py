"""The committees on screen (issue 18): each as it is, its members and the cases moved to or from it."""
