// Package norm stands in for golang.org/x/text/unicode/norm in the browser
// build of the search client. Bleve's Arabic package, whose normalisation
// and stemming filters the client runs, also registers Bleve's "ar"
// analyzer, which applies Unicode NFKC; that registration kept x/text's
// normalisation tables (about 45 KB of the compressed engine) alive,
// though the client's analyzers never use NFKC. Every form here panics:
// an analyzer that needed one would fail the client's tests at once rather
// than leave text unnormalised.
package norm

// Form mirrors norm.Form.
type Form int

// The forms Bleve's unicodenorm package names.
const (
	NFC Form = iota
	NFD
	NFKC
	NFKD
)

// Bytes would return b in form f; the client never calls it.
func (f Form) Bytes(b []byte) []byte {
	panic("unicode normalisation is not in the browser build of the search client")
}
