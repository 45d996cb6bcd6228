//go:build js

package schema

import "github.com/blevesearch/bleve/v2/analysis/token/porter"

// porterName is Bleve's Porter stemmer itself: the browser analyses only
// what a visitor types (stem.go gives the build a cache).
const porterName = porter.Name
