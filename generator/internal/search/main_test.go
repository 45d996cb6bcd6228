package search_test

import (
	"fmt"
	"os"
	"testing"
)

// shared is a folder for what the tests of this package build once per
// process and share (the live Bleve index of the fixture, the built site of
// the browser tests). A test's own t.TempDir would be removed when that test
// ends, under the tests that come after it; TestMain removes this one when
// every test has run.
var shared string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kb-search-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared = dir
	code := m.Run()
	closeFixture()
	if err := os.RemoveAll(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}
