//go:build js

package schema

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
)

// porterName is Bleve's Porter stemmer itself: the browser analyses only
// what a visitor types (stem.go gives the build a cache).
const porterName = porter.Name

// IsPorter reports whether f stems as Bleve's Porter stemmer does (the
// engine's marks rely on how Porter cuts words).
func IsPorter(f analysis.TokenFilter) bool {
	_, ok := f.(*porter.PorterStemmer)
	return ok
}
