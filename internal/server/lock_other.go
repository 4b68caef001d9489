//go:build !unix

package server

// lockDataDir is a no-op where flock is missing: run one process per data
// directory by hand there.
func lockDataDir(dir string) (unlock func(), err error) { return func() {}, nil }
