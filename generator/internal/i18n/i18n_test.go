package i18n

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

const dates = `[date]
months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
format = "{day} {month} {year}"
`

func TestLookups(t *testing.T) {
	theme, site := t.TempDir(), t.TempDir()
	write(t, theme, "en.toml", `greeting = "Hello, {name}!"
`+dates+`
[page]
reading_time = "{minutes} min read"
draft = "Draft"
[home.chapters]
one = "{count} chapter"
other = "{count} chapters"
`)
	write(t, site, "en.toml", `[page]
draft = "Work in progress"
`)
	s, err := Load([]string{theme, site, filepath.Join(site, "missing")}, "en-GB", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		key  string
		args []any
		want string
	}{
		{"greeting", []any{"name", "Amal"}, "Hello, Amal!"},
		{"page.reading_time", []any{"minutes", 7}, "7 min read"},
		{"page.draft", nil, "Work in progress"}, // the site's file wins
		{"home.chapters", []any{"count", 1}, "1 chapter"},
		{"home.chapters", []any{"count", 0}, "0 chapters"},
		{"home.chapters", []any{"count", 12}, "12 chapters"},
	} {
		got, err := s.T(tt.key, tt.args...)
		if err != nil || got != tt.want {
			t.Errorf("T(%q, %v) = %q, %v; want %q", tt.key, tt.args, got, err, tt.want)
		}
	}
	if _, err := s.T("no.such.key"); err == nil || !strings.Contains(err.Error(), `"no.such.key"`) {
		t.Errorf("missing key: %v", err)
	}
	if _, err := s.T("greeting", "name"); err == nil {
		t.Error("odd arguments accepted")
	}
	if got := s.MustT("no.such.key"); got != "no.such.key" {
		t.Errorf("MustT of a missing key = %q", got)
	}
	if got := s.Date(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)); got != "1 December 2026" {
		t.Errorf("Date = %q", got)
	}
	if s.Lang() != "en" {
		t.Errorf("Lang = %q", s.Lang())
	}
}

// TestPluralRules: plural forms follow each language's rules (CLDR).
func TestPluralRules(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "ru.toml", dates+`[n]
one = "{count} страница"
few = "{count} страницы"
many = "{count} страниц"
other = "{count} страницы"
`)
	write(t, dir, "fr.toml", dates+`[n]
one = "{count} page"
other = "{count} pages"
`)
	write(t, dir, "ar.toml", dates+`[n]
zero = "لا صفحات"
one = "صفحة واحدة"
two = "صفحتان"
few = "{count} صفحات"
many = "{count} صفحة"
other = "{count} صفحة"
`)
	for _, tt := range []struct {
		lang  string
		count int
		want  string
	}{
		{"ru", 1, "1 страница"}, {"ru", 3, "3 страницы"}, {"ru", 5, "5 страниц"}, {"ru", 21, "21 страница"}, {"ru", 11, "11 страниц"},
		{"fr", 0, "0 page"}, {"fr", 1, "1 page"}, {"fr", 2, "2 pages"},
		{"ar", 0, "لا صفحات"}, {"ar", 2, "صفحتان"}, {"ar", 3, "3 صفحات"}, {"ar", 11, "11 صفحة"},
	} {
		s, err := Load([]string{dir}, tt.lang, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.T("n", "count", tt.count); err != nil || got != tt.want {
			t.Errorf("%s, %d: %q, %v; want %q", tt.lang, tt.count, got, err, tt.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "en.toml", dates+"broken = \n")
	_, err := Load([]string{dir}, "en", func(p string) string { return "themes/x/i18n/" + filepath.Base(p) })
	if err == nil || !strings.Contains(err.Error(), "themes/x/i18n/en.toml:4") || strings.Count(err.Error(), "\n") > 0 {
		t.Errorf("bad TOML: %v, want a file:line error", err)
	}
	if _, err := Load([]string{dir}, "de", nil); err == nil || !strings.Contains(err.Error(), "i18n/de.toml") {
		t.Errorf("missing language: %v", err)
	}
	write(t, dir, "es.toml", "a = \"b\"\n")
	if _, err := Load([]string{dir}, "es", nil); err == nil || !strings.Contains(err.Error(), "date.months") {
		t.Errorf("no dates: %v", err)
	}
	write(t, dir, "it.toml", dates+"[n]\none = \"x\"\n")
	if _, err := Load([]string{dir}, "it", nil); err == nil || !strings.Contains(err.Error(), `need "other"`) {
		t.Errorf("plural without other: %v", err)
	}
}
