package schema

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/registry"
)

// Bleve's Arabic normalisation and light stemmer, run only on words that
// hold other than ASCII bytes. Both rewrite each word on its own and change
// only Arabic letters and marks, so an ASCII word comes out as it went in;
// but they decode every word into runes first, which was 5% of the CPU of
// a 10,000-page build (3.1 of 58 s) though the content is mostly English.
// TestArabicFiltersSkipASCII checks that they give what Bleve's give.
const (
	arabicNormalizeName = "kb_normalize_ar"
	arabicStemmerName   = "kb_stemmer_ar"
)

// nonASCIIOnly applies a filter that rewrites each token on its own, in
// place, to the tokens holding a byte of 0x80 or more.
type nonASCIIOnly struct{ f analysis.TokenFilter }

// Filter implements analysis.TokenFilter.
func (n nonASCIIOnly) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		for _, c := range t.Term {
			if c >= 0x80 {
				one := [1]*analysis.Token{t}
				n.f.Filter(one[:])
				break
			}
		}
	}
	return input
}

func init() {
	for name, f := range map[string]analysis.TokenFilter{
		arabicNormalizeName: ar.NewArabicNormalizeFilter(),
		arabicStemmerName:   ar.NewArabicStemmerFilter(),
	} {
		filter := nonASCIIOnly{f}
		err := registry.RegisterTokenFilter(name, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
			return filter, nil
		})
		if err != nil {
			panic(err)
		}
	}
}
