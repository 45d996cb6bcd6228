//go:build js

package schema

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/registry"
)

// porterName is Bleve's Porter stemmer (stem.go gives the build a cache).
const porterName = "kb_stemmer_porter"

func init() {
	err := registry.RegisterTokenFilter(porterName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return porter.NewPorterStemmer(), nil
	})
	if err != nil {
		panic(err)
	}
}
