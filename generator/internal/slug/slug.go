// Package slug turns human text into URL path segments and HTML ids.
//
// Slugs keep letters and digits of every script (so Arabic or Cyrillic
// headings still get readable ids), lower-case them, turn runs of spaces,
// hyphens and underscores into one hyphen and drop other punctuation.
package slug

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Make returns the slug of s, or "" when s has no letters or digits.
func Make(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	pendingHyphen := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			if pendingHyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			pendingHyphen = false
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsSpace(r) || r == '-' || r == '_' || r == '\u2013' || r == '\u2014':
			pendingHyphen = true
		}
	}
	return b.String()
}

// IDs hands out unique ids within one HTML document. The zero value is not
// usable; call NewIDs.
type IDs struct {
	used map[string]bool
}

// NewIDs returns an id set with the given ids already taken (for example ids
// that the page layout uses).
func NewIDs(reserved ...string) *IDs {
	ids := &IDs{used: make(map[string]bool, 16+len(reserved))}
	for _, r := range reserved {
		ids.used[r] = true
	}
	return ids
}

// Unique returns base, or base-1, base-2… when base is taken, and marks the
// result as taken. An empty base becomes fallback.
func (ids *IDs) Unique(base, fallback string) string {
	if base == "" {
		base = fallback
	}
	id := base
	for i := 1; ids.used[id]; i++ {
		id = base + "-" + strconv.Itoa(i)
	}
	ids.used[id] = true
	return id
}

// Take marks an explicit id as used and reports whether it was free.
func (ids *IDs) Take(id string) bool {
	if ids.used[id] {
		return false
	}
	ids.used[id] = true
	return true
}

// Used returns every id taken so far, in no particular order.
func (ids *IDs) Used() []string {
	out := make([]string, 0, len(ids.used))
	for id := range ids.used {
		out = append(out, id)
	}
	return out
}
