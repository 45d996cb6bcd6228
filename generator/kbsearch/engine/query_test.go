package engine

import (
	"strings"
	"testing"

	"vepkb/generator/kbsearch/schema"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in     string
		prefix bool
		want   string
	}{
		{"dynamic security", false, "W[dynamic security] P[] X[] pre=false"},
		{"dynamic secu", true, "W[dynamic secu] P[] X[] pre=true"},
		{"dynamic ", true, "W[dynamic] P[] X[] pre=false"},
		{`"information sharing" vetting`, false, "W[vetting] P[information sharing] X[] pre=false"},
		{`families -children -"young people"`, false, "W[families] P[] X[children young people] pre=false"},
		{`"unbalanced quote`, false, "W[] P[unbalanced quote] X[] pre=false"},
		{"-", false, "W[] P[] X[] pre=false"},
		{"- -", false, "W[] P[] X[] pre=false"},
		{"guide:", false, "W[guide] P[] X[] pre=false"},
		{"guide:women", false, "W[guide women] P[] X[] pre=false"},
		{`""`, false, "W[] P[] X[] pre=false"},
		{"“curly quotes”", false, "W[] P[curly quotes] X[] pre=false"},
	}
	for _, tt := range tests {
		p := Parse(tt.in, tt.prefix)
		got := "W[" + strings.Join(p.Words, " ") + "] P[" + strings.Join(p.Phrases, " ") + "] X[" + strings.Join(p.Excluded, " ") + "] pre=" + map[bool]string{true: "true", false: "false"}[p.Prefix]
		if got != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseBounds(t *testing.T) {
	p := Parse(strings.Repeat("word ", 5000), false)
	if len(p.Words) != MaxTerms {
		t.Errorf("%d words kept", len(p.Words))
	}
	p = Parse(strings.Repeat("é", 1000), false) // cut inside a character must not break UTF-8
	if len(p.Words) != 1 || !strings.HasPrefix(p.Words[0], "é") || strings.ContainsRune(p.Words[0], '\uFFFD') {
		t.Errorf("words = %q", p.Words)
	}
}

func TestBuildNothingSearchable(t *testing.T) {
	m, _ := schema.Mapping()
	for _, in := range []string{"the and of", "-prison", "!!!"} {
		if q := Build(m, Parse(in, false), nil, nil, nil); q != nil {
			t.Errorf("%q built a query", in)
		}
	}
	if q := Build(m, Parse("prison -women", false), NewSynonyms(m, [][]string{{"prison", "jail"}}), nil, nil); q == nil {
		t.Error("no query for a plain word")
	}
}

// TestSynonymsOfInflections: a plural or other inflection of a group's
// member expands like the member ("NGOs" like "NGO").
func TestSynonymsOfInflections(t *testing.T) {
	m, _ := schema.Mapping()
	syn := NewSynonyms(m, [][]string{{"NGO", "CSO", "civil society"}, {"FTF", "foreign terrorist fighter"}, {"organisation", "organization"}})
	for _, tt := range []struct {
		word string
		want []string
	}{
		{"NGO", []string{"CSO", "civil society"}},
		{"NGOs", []string{"CSO", "civil society"}},
		{"ngos", []string{"CSO", "civil society"}},
		{"FTFs", []string{"foreign terrorist fighter"}},
		{"organisations", []string{"organization"}},
		{"prisons", nil},
	} {
		got := syn.of(m, tt.word)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: %q, want %q", tt.word, got, tt.want)
		}
	}
}
