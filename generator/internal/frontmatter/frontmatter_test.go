package frontmatter

import (
	"strings"
	"testing"
	"time"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		format   Format
		fm, body string
		bodyLine int
		err      string
	}{
		{"yaml", "---\ntitle: A\n---\nBody\n", YAML, "title: A\n", "Body\n", 4, ""},
		{"toml", "+++\ntitle = 'A'\n+++\n\nBody", TOML, "title = 'A'\n", "\nBody", 4, ""},
		{"yaml dots close", "---\ntitle: A\n...\nBody", YAML, "title: A\n", "Body", 4, ""},
		{"no front matter", "# Hello\n", None, "", "# Hello\n", 1, ""},
		{"empty front matter", "---\n---\nx", YAML, "", "x", 3, ""},
		{"no body", "---\ntitle: A\n---", YAML, "title: A\n", "", 4, ""},
		{"trailing spaces on delimiters", "---  \ntitle: A\n--- \nB", YAML, "title: A\n", "B", 4, ""},
		{"unclosed yaml", "---\ntitle: A\nBody\n", YAML, "", "", 0, "1:1: front matter opened with \"---\" on line 1 is never closed"},
		{"unclosed toml", "+++\ntitle = 'A'\n", TOML, "", "", 0, "never closed"},
		{"only opening", "---", YAML, "", "", 0, "never closed"},
		{"dashes in text are not front matter", "----\nx", None, "", "----\nx", 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, fm, body, _, bodyLine, err := Split("p.md", []byte(tt.src))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f != tt.format || string(fm) != tt.fm || string(body) != tt.body || bodyLine != tt.bodyLine {
				t.Errorf("got (%v, %q, %q, %d), want (%v, %q, %q, %d)", f, fm, body, bodyLine, tt.format, tt.fm, tt.body, tt.bodyLine)
			}
		})
	}
}

func parse(t *testing.T, src string) (*Meta, error) {
	t.Helper()
	f, fm, _, fmLine, _, err := Split("p.md", []byte(src))
	if err != nil {
		return nil, err
	}
	return Parse("p.md", f, fm, fmLine, []string{"tags", "audiences"})
}

func TestParseValid(t *testing.T) {
	for _, src := range []string{
		"---\ntitle: Risk\nweight: 20\ndate: 2026-11-01\nlastmod: 2026-11-20T10:00:00Z\ndraft: true\ntags: [a, b]\naudiences: CSOs\naliases: [/old/]\nslug: risk-x\ncustom: 5\nsummary: S\n---\n",
		"+++\ntitle = 'Risk'\nweight = 20\ndate = 2026-11-01\nlastmod = 2026-11-20T10:00:00Z\ndraft = true\ntags = ['a', 'b']\naudiences = 'CSOs'\naliases = ['/old/']\nslug = 'risk-x'\ncustom = 5\nsummary = 'S'\n+++\n",
	} {
		m, err := parse(t, src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if m.Title != "Risk" || m.Weight != 20 || !m.Draft || m.Slug != "risk-x" || m.Summary != "S" {
			t.Errorf("scalars: %+v", m)
		}
		if !m.Date.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) || !m.Lastmod.Equal(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)) {
			t.Errorf("dates: %v %v", m.Date, m.Lastmod)
		}
		if strings.Join(m.Terms["tags"], ",") != "a,b" || strings.Join(m.Terms["audiences"], ",") != "CSOs" {
			t.Errorf("terms: %v", m.Terms)
		}
		if len(m.Aliases) != 1 || m.Aliases[0] != "/old/" {
			t.Errorf("aliases: %v", m.Aliases)
		}
		if m.Params["custom"] == nil {
			t.Errorf("custom param missing: %v", m.Params)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"string weight", "---\ntitle: A\nweight: \"ten\"\n---\n", "p.md:3:9: weight: expected an integer, got text \"ten\""},
		{"float weight", "---\ntitle: A\nweight: 1.5\n---\n", "p.md:3:9: weight: expected an integer"},
		{"impossible date", "---\ntitle: A\ndate: 2024-02-30\n---\n", "p.md:3:7: date: \"2024-02-30\" is not a valid date"},
		{"impossible toml date", "+++\ntitle = 'A'\ndate = 2024-02-30\n+++\n", "p.md:3"},
		{"missing title", "---\nweight: 1\n---\n", "p.md:1: title is required"},
		{"empty title", "---\ntitle: \"  \"\n---\n", "title is empty"},
		{"list title", "---\ntitle: [a]\n---\n", "p.md:2:8: title: expected text, got a list"},
		{"bad draft", "---\ntitle: A\ndraft: maybe\n---\n", "p.md:3:8: draft: expected true or false"},
		{"bad tags", "---\ntitle: A\ntags: {a: 1}\n---\n", "p.md:3:7: tags: expected a list of terms"},
		{"bad alias", "---\ntitle: A\naliases: [old]\n---\n", "alias \"old\" must be a site path"},
		{"slug with slash", "---\ntitle: A\nslug: a/b\n---\n", "slug \"a/b\" must be a single path segment"},
		{"invalid yaml", "---\ntitle: A\n  bad: indent: here\n---\n", "p.md:3: invalid YAML front matter"},
		{"yaml not a map", "---\n- a\n- b\n---\n", "p.md:2:1: front matter must be a mapping"},
		{"invalid toml", "+++\ntitle = \n+++\n", "p.md:2:9:"},
		{"toml string weight", "+++\ntitle = 'A'\nweight = 'x'\n+++\n", "p.md:3:1: weight: expected an integer"},
		{"several errors", "---\nweight: x\ndraft: 3\n---\n", "p.md:1: title is required in the front matter\np.md:2:9: weight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(t, tt.src)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant containing %q", err, tt.want)
			}
		})
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"---\ntitle: A\n---\nbody", "+++\ntitle='A'\n+++\n", "---", "", "----\n", "---\n...\n", "+++\r\n+++\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		format, fm, body, _, bodyLine, err := Split("p.md", []byte(src))
		if err != nil {
			return
		}
		if format == None {
			if string(body) != src || bodyLine != 1 {
				t.Fatalf("no front matter but body changed")
			}
			return
		}
		if len(fm)+len(body) > len(src) {
			t.Fatalf("parts longer than the source")
		}
		if !strings.Contains(src, string(fm)) || !strings.HasSuffix(src, string(body)) {
			t.Fatalf("parts are not taken from the source")
		}
		// Parsing must never panic, whatever the front matter holds.
		_, _ = Parse("p.md", format, fm, 2, []string{"tags"})
	})
}
