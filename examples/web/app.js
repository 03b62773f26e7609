// the web console (issue 7)
