package diag

import (
	"errors"
	"strings"
	"testing"
)

func TestDiagnosticFormat(t *testing.T) {
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{New("content/a.md", 3, 9, "weight: %s", "bad"), "content/a.md:3:9: weight: bad"},
		{New("content/a.md", 3, 0, "x"), "content/a.md:3: x"},
		{New("config.toml", 0, 0, "x"), "config.toml: x"},
	}
	for _, tt := range tests {
		if got := tt.d.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestListSortedDedupedAndGuard(t *testing.T) {
	var l List
	l.Addf("b.md", 1, 1, "x")
	l.Addf("a.md", 10, 2, "y")
	l.Addf("a.md", 2, 5, "z")
	l.Addf("a.md", 2, 5, "z")
	l.Guard("c.md", func() { panic("boom") })
	err := l.Err()
	want := "a.md:2:5: z\na.md:10:2: y\nb.md:1:1: x\nc.md: internal error while processing this file: boom (please report it)"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	if len(As(err)) != 4 || len(As(New("a", 1, 1, "x"))) != 1 || As(errors.New("plain")) != nil {
		t.Error("As does not extract diagnostics")
	}
	var empty List
	if empty.Err() != nil {
		t.Error("empty list is an error")
	}
}

func TestLineCol(t *testing.T) {
	src := []byte("ab\nдва x\n")
	for _, tt := range []struct{ off, line, col int }{{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {10, 2, 5}, {99, 3, 1}} {
		l, c := LineCol(src, tt.off)
		if l != tt.line || c != tt.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
	if !strings.Contains(New("p", 1, 1, "m").Error(), "p:1:1") {
		t.Error("format")
	}
}
