// Package diag carries build diagnostics: an error tied to a file and, where
// known, a line and column. Every stage of the pipeline reports problems as
// diagnostics so that the command line can print all of them, sorted, in the
// familiar "path:line:col: message" form that editors understand.
package diag

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Diagnostic is one problem found in a file. Line and Col are 1-based; zero
// means unknown.
type Diagnostic struct {
	Path string // slash-separated, relative to the site root
	Line int
	Col  int
	Msg  string
}

func (d Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.Path)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
		if d.Col > 0 {
			fmt.Fprintf(&b, ":%d", d.Col)
		}
	}
	b.WriteString(": ")
	b.WriteString(d.Msg)
	return b.String()
}

// New returns a Diagnostic with a formatted message.
func New(path string, line, col int, format string, args ...any) Diagnostic {
	return Diagnostic{Path: path, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// List collects diagnostics from concurrent workers. The zero value is ready to use.
type List struct {
	mu    sync.Mutex
	items []Diagnostic
}

// Add records diagnostics.
func (l *List) Add(ds ...Diagnostic) {
	l.mu.Lock()
	l.items = append(l.items, ds...)
	l.mu.Unlock()
}

// Addf records a formatted diagnostic.
func (l *List) Addf(path string, line, col int, format string, args ...any) {
	l.Add(New(path, line, col, format, args...))
}

// Len reports how many diagnostics were recorded.
func (l *List) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.items)
}

// Sorted returns the diagnostics ordered by path, line, column and message,
// with exact duplicates removed, so output is deterministic.
func (l *List) Sorted() []Diagnostic {
	l.mu.Lock()
	out := append([]Diagnostic(nil), l.items...)
	l.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Msg < b.Msg
	})
	uniq := out[:0]
	for i, d := range out {
		if i > 0 && d == out[i-1] {
			continue
		}
		uniq = append(uniq, d)
	}
	return uniq
}

// Err returns nil when the list is empty, or an *Errors holding the sorted diagnostics.
func (l *List) Err() error {
	if l.Len() == 0 {
		return nil
	}
	return &Errors{Items: l.Sorted()}
}

// Guard runs fn and turns a panic into a diagnostic at path, so that a bug
// met on one page is reported like any other problem instead of crashing
// the program.
func (l *List) Guard(path string, fn func()) {
	defer func() {
		if r := recover(); r != nil {
			l.Add(New(path, 0, 0, "internal error while processing this file: %v (please report it)", r))
		}
	}()
	fn()
}

// Errors is an error made of one or more diagnostics.
type Errors struct{ Items []Diagnostic }

func (e *Errors) Error() string {
	lines := make([]string, len(e.Items))
	for i, d := range e.Items {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

// As extracts the diagnostics carried by err: those of an *Errors, a single
// Diagnostic, or nil when err carries none.
func As(err error) []Diagnostic {
	var es *Errors
	if errors.As(err, &es) {
		return es.Items
	}
	var d Diagnostic
	if errors.As(err, &d) {
		return []Diagnostic{d}
	}
	return nil
}

// LineCol converts a byte offset in src to a 1-based line and a 1-based
// column counted in characters (runes), as editors count them.
func LineCol(src []byte, off int) (line, col int) {
	if off > len(src) {
		off = len(src)
	}
	if off < 0 {
		off = 0
	}
	line = 1
	start := 0
	for i := 0; i < off; i++ {
		if src[i] == '\n' {
			line++
			start = i + 1
		}
	}
	col = 1
	for _, r := range string(src[start:off]) {
		_ = r
		col++
	}
	return line, col
}
