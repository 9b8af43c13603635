package evhttp

// The Go function behind gev_http_handle_request (cgo.go): a file of its
// own, since a cgo file with exports may not define C functions.

import "C"

import "unsafe"

//export goeventHTTPHandle
func goeventHTTPHandle(req, arg unsafe.Pointer) {
	defer recoverHandler()
	handleRequestFromC(req, arg)
}
