package slug

import "testing"

func TestMake(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Why it matters", "why-it-matters"},
		{"Good practice 3.1: Repeat the assessment", "good-practice-31-repeat-the-assessment"},
		{"P/CVE", "pcve"},
		{"ERG22+", "erg22"},
		{"R&R", "rr"},
		{"4Ps", "4ps"},
		{"VERA-2R", "vera-2r"},
		{"  Leading and   trailing  ", "leading-and-trailing"},
		{"Désengagement et réinsertion", "désengagement-et-réinsertion"},
		{"Дерадикализация", "дерадикализация"},
		{"إعادة الإدماج", "إعادة-الإدماج"},
		{"Under_score — dash", "under-score-dash"},
		{"!!!", ""},
		{"", ""},
		{"e\u0301te\u0301", "été"}, // NFC
	}
	for _, tt := range tests {
		if got := Make(tt.in); got != tt.want {
			t.Errorf("Make(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIDsUnique(t *testing.T) {
	ids := NewIDs("main")
	got := []string{
		ids.Unique("intro", "section"),
		ids.Unique("intro", "section"),
		ids.Unique("intro", "section"),
		ids.Unique("main", "section"),
		ids.Unique("", "section"),
		ids.Unique("", "section"),
	}
	want := []string{"intro", "intro-1", "intro-2", "main-1", "section", "section-1"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("id %d = %q, want %q", i, got[i], want[i])
		}
	}
	if ids.Take("intro") {
		t.Error("Take of a used id reported free")
	}
	if !ids.Take("fresh") {
		t.Error("Take of a fresh id reported used")
	}
}
