// Package snowballstem stands in for github.com/blevesearch/snowballstem in
// the browser build of the search client. Bleve's English package, whose
// possessive and stop-word filters the client runs (and which Bleve's
// standard analyzer needs), also registers Bleve's Snowball English
// stemmer; that registration kept the Snowball runtime and its English
// stemmer (35 KB of code, about 7 KB of the compressed engine) alive,
// though the client's analyzers stem with Porter. Stemming here panics: an
// analyzer that used it would fail the client's tests at once rather than
// leave words unstemmed.
package snowballstem

// Env mirrors snowballstem.Env.
type Env struct{ current string }

// NewEnv mirrors snowballstem.NewEnv.
func NewEnv(s string) *Env { return &Env{current: s} }

// Current mirrors Env.Current.
func (e *Env) Current() string { return e.current }
