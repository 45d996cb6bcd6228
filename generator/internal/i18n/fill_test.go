package i18n

import (
	"fmt"
	"strings"
	"testing"
)

// TestFillAsReplacer checks that fill gives what a strings.Replacer of the
// {name} → value pairs gives.
func TestFillAsReplacer(t *testing.T) {
	args := []any{"a", 1, "b", "{a}", "count", 3, "a", "second a", "empty", ""}
	for _, text := range []string{
		"", "plain", "{a}", "{a}{b}", "x{a}y{b}z", "{{a}}", "{a", "a}", "{}", "{c} and {a}", "{count} results",
		"{ a}", "{a}{a}{a}", "}{a}{", "{{{b}}}", "{empty}|", "é{a}ü{b}ñ", "{b}{empty}{count}",
	} {
		var pairs []string
		for i := 0; i < len(args); i += 2 {
			pairs = append(pairs, "{"+args[i].(string)+"}", fmt.Sprint(args[i+1]))
		}
		if got, want := fill(text, args), strings.NewReplacer(pairs...).Replace(text); got != want {
			t.Errorf("fill(%q) = %q, a Replacer gives %q", text, got, want)
		}
	}
}
