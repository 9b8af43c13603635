module goevent

go 1.26.8

require golang.org/x/sys v0.50.0

require github.com/mattn/go-pointer v0.0.1

require golang.org/x/net v0.63.0 // indirect
