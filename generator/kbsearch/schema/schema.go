// Package schema defines the search documents and the Bleve index mapping
// shared by the indexer (at build time) and the search client (in the
// browser): one document per page section, the fields it has, and the
// analyzers that turn text into terms.
//
// It imports only Bleve's mapping and analysis packages, so that the
// WebAssembly client stays small.
package schema

import (
	// Registers the "custom" analyzer type.
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// Field names.
const (
	Title     = "title"     // page title
	Heading   = "heading"   // section heading (the page title for the introduction)
	Body      = "body"      // section text
	Words     = "words"     // title, heading and body again, unstemmed: for typo tolerance and prefixes
	Guide     = "guide"     // guide title (facet)
	Tags      = "tags"      // page tags (facet)
	Audiences = "audiences" // page audiences (facet)
	URL       = "url"       // link to the section, with its anchor (stored only)
	Crumb     = "crumb"     // "Guide › Page › Section" (stored only)
)

// Analyzer names registered by this package.
const (
	TextAnalyzer  = "kb_en"    // English with stemming, keeping acronyms whole; Arabic normalised and stemmed
	WordsAnalyzer = "kb_words" // the same tokens, lower-cased, not stemmed
)

// Section is one search document: a page's introduction or one H2/H3 section.
type Section struct {
	Title     string   `json:"title"`
	Heading   string   `json:"heading"`
	Body      string   `json:"body"`
	Guide     string   `json:"guide,omitempty"`
	Tags      []string `json:"tags,omitempty"`
	Audiences []string `json:"audiences,omitempty"`
	URL       string   `json:"url"`
	Crumb     string   `json:"crumb"`
}

// Mapping returns the index mapping for Section documents.
func Mapping() (*mapping.IndexMappingImpl, error) {
	m := mapping.NewIndexMapping()
	var err error
	err = m.AddCustomAnalyzer(TextAnalyzer, map[string]interface{}{
		"type":      "custom",
		"tokenizer": acronymTokenizerName,
		// Arabic words lose diacritics, hamza forms and the article
		// (الإدماج and إدماج are one term); the filters leave other
		// scripts alone, and Porter leaves Arabic alone.
		"token_filters": []interface{}{en.PossessiveName, lowercase.Name, en.StopName, arabicNormalizeName, arabicStemmerName, porterName},
	})
	if err != nil {
		return nil, err
	}
	err = m.AddCustomAnalyzer(WordsAnalyzer, map[string]interface{}{
		"type":          "custom",
		"tokenizer":     acronymTokenizerName,
		"token_filters": []interface{}{en.PossessiveName, lowercase.Name, en.StopName, arabicNormalizeName},
	})
	if err != nil {
		return nil, err
	}
	m.DefaultAnalyzer = TextAnalyzer
	// BM25, chosen on the judged query sets over Bleve's default TF-IDF
	// (docs/search.md, "BM25"). The engine gives Bleve's searchers each
	// field's average length from the index (engine.WithFieldLengths).
	m.ScoringModel = index.BM25Scoring
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false

	text := func(name string, vectors, store bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = TextAnalyzer
		f.Store = store
		f.IncludeTermVectors = vectors
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	words := func() *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Name = Words
		f.Analyzer = WordsAnalyzer
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	keyword := func() *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = true
		return f
	}
	stored := func() *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	doc := mapping.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(Title, text(Title, true, true), words())
	doc.AddFieldMappingsAt(Heading, text(Heading, true, true), words())
	doc.AddFieldMappingsAt(Body, text(Body, true, true), words())
	doc.AddFieldMappingsAt(Guide, keyword())
	doc.AddFieldMappingsAt(Tags, keyword())
	doc.AddFieldMappingsAt(Audiences, keyword())
	doc.AddFieldMappingsAt(URL, stored())
	doc.AddFieldMappingsAt(Crumb, stored())
	m.DefaultMapping = doc
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// Analyze returns the terms an analyzer makes of text, for tests and for
// building queries.
func Analyze(m *mapping.IndexMappingImpl, analyzer, text string) []string {
	a := m.AnalyzerNamed(analyzer)
	if a == nil {
		return nil
	}
	var out []string
	for _, t := range a.Analyze([]byte(text)) {
		out = append(out, string(t.Term))
	}
	return out
}
