package config

import (
	"strings"
	"testing"
)

func TestParseDefaults(t *testing.T) {
	c, err := Parse([]byte(`title = "KB"`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Theme != "default" || c.LanguageCode != "en" || c.Base.Path != "/" || !c.FeedEnabled() || !c.SitemapEnabled() || !c.Typographer() || c.Markup.Unsafe {
		t.Errorf("defaults: %+v", c)
	}
	if got := strings.Join(c.TaxonomyNames(), ","); got != "audiences,tags" {
		t.Errorf("taxonomies = %s", got)
	}
	if c.AbsURL("/a/") != "/a/" || c.RelURL("/a/") != "/a/" {
		t.Errorf("urls: %s %s", c.AbsURL("/a/"), c.RelURL("/a/"))
	}
}

func TestBaseURL(t *testing.T) {
	c, err := Parse([]byte("title = \"KB\"\nbaseURL = \"https://example.org/kb\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.AbsURL("/guide/x/"); got != "https://example.org/kb/guide/x/" {
		t.Errorf("AbsURL = %s", got)
	}
	if got := c.RelURL("/guide/x/"); got != "/kb/guide/x/" {
		t.Errorf("RelURL = %s", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"syntax", "title = \n", "config.toml:1:9:"},
		{"unknown top-level key", "title = 'x'\nbogus = 1\n", `config.toml:2:1: unknown key "bogus"`},
		{"unknown nested key", "title = 'x'\n[markup]\nfoo = 1\n", `config.toml:3:1: unknown key "markup.foo"`},
		{"wrong type", "title = 'x'\n[outputs]\nfeed = 'yes'\n", "config.toml:3:8: outputs.feed: expected true or false, got a TOML string"},
		{"wrong type int", "title = 'x'\n[build]\nworkers = 'many'\n", "config.toml:3:11: build.workers: expected an integer"},
		{"missing title", "baseURL = '/'\n", "config.toml: title is required"},
		{"bad baseURL", "title = 'x'\nbaseURL = 'ftp://x'\n", "config.toml:2:1: baseURL \"ftp://x\""},
		{"bad theme", "title = 'x'\ntheme = '../x'\n", "config.toml:2:1: theme"},
		{"bad toc level", "title = 'x'\n[markup]\ntocLevels = [2, 9]\n", "markup.tocLevels: 9"},
		{"menu entry without url", "title = 'x'\n[[menu.main]]\nname = 'A'\n", "menu.main entry 1 needs both name and url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want containing %q", err, tt.want)
			}
		})
	}
}
