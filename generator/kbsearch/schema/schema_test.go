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
