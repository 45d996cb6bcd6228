package schema

import (
	"strings"
	"testing"
)

func TestAnalyzers(t *testing.T) {
	m, err := Mapping()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ analyzer, in, want string }{
		{TextAnalyzer, "P/CVE programmes", "p/cve programm"},
		{TextAnalyzer, "the VERA-2R and ERG22+ tools", "vera-2r erg22+ tool"},
		{TextAnalyzer, "R&R in 4Ps", "r&r 4p"},
		{TextAnalyzer, "Rehabilitation of prisoners' families", "rehabilit prison famili"},
		{TextAnalyzer, "COVID-19 and do-no-harm", "covid-19 harm"},
		{WordsAnalyzer, "Rehabilitation of Prisoners", "rehabilitation prisoners"},
		{WordsAnalyzer, "P/CVE", "p/cve"},
		{TextAnalyzer, "Дерадикализация", "дерадикализация"},
	}
	for _, tt := range tests {
		got := strings.Join(Analyze(m, tt.analyzer, tt.in), " ")
		if got != tt.want {
			t.Errorf("%s(%q) = %q, want %q", tt.analyzer, tt.in, got, tt.want)
		}
	}
}

// TestArabic: Arabic words match with or without the definite article,
// hamza forms of alef and diacritics, as a visitor types them.
func TestArabic(t *testing.T) {
	m, err := Mapping()
	if err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]string{
		{"الإدماج", "إدماج"},
		{"إعادة الإدماج", "اعادة ادماج"},
		{"السجون", "سجون"},
		{"التطرّف العنيف", "التطرف العنيف"}, // shadda
		{"أمن", "امن"},
	} {
		a, b := Analyze(m, TextAnalyzer, pair[0]), Analyze(m, TextAnalyzer, pair[1])
		if strings.Join(a, " ") != strings.Join(b, " ") || len(a) == 0 {
			t.Errorf("%q → %q, %q → %q: want the same terms", pair[0], a, pair[1], b)
		}
	}
	// The unstemmed words (typos, prefixes) are normalised too.
	if got := strings.Join(Analyze(m, WordsAnalyzer, "إدماج التطرّف"), " "); got != "ادماج التطرف" {
		t.Errorf("words: %q", got)
	}
}
