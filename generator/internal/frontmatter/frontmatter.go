// Package frontmatter splits a content file into front matter and body and
// decodes the front matter (YAML between "---" lines or TOML between "+++"
// lines) into typed page metadata, reporting every problem with the line and
// column where it is found.
package frontmatter

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	toml "github.com/pelletier/go-toml/v2"
	yaml "go.yaml.in/yaml/v3"

	"vepkb/generator/internal/diag"
	"vepkb/generator/internal/tomldiag"
)

// Format is the front matter syntax.
type Format int

// Front matter formats.
const (
	None Format = iota
	YAML
	TOML
)

// Split separates front matter from the body. It returns the format, the
// front matter text (without delimiters), the body, and the 1-based line on
// which the front matter text and the body start. An opening delimiter with no
// closing one is an error.
func Split(path string, src []byte) (f Format, fm, body []byte, fmLine, bodyLine int, err error) {
	var delim string
	switch {
	case hasDelimLine(src, "---"):
		f, delim = YAML, "---"
	case hasDelimLine(src, "+++"):
		f, delim = TOML, "+++"
	default:
		return None, nil, src, 0, 1, nil
	}
	// Skip the opening line.
	nl := bytes.IndexByte(src, '\n')
	if nl < 0 {
		return f, nil, nil, 0, 0, diag.New(path, 1, 1, "front matter opened with %q is never closed", delim)
	}
	rest := src[nl+1:]
	line := 2
	off := 0
	for off <= len(rest) {
		end := bytes.IndexByte(rest[off:], '\n')
		var ln []byte
		if end < 0 {
			ln = rest[off:]
		} else {
			ln = rest[off : off+end]
		}
		t := string(bytes.TrimRight(ln, " \t\r"))
		if t == delim || (f == YAML && t == "...") {
			fm = rest[:off]
			if end < 0 {
				body = nil
			} else {
				body = rest[off+end+1:]
			}
			return f, fm, body, 2, line + 1, nil
		}
		if end < 0 {
			break
		}
		off += end + 1
		line++
	}
	return f, nil, nil, 0, 0, diag.New(path, 1, 1, "front matter opened with %q on line 1 is never closed (expected a line with only %q)", delim, delim)
}

func hasDelimLine(src []byte, delim string) bool {
	if !bytes.HasPrefix(src, []byte(delim)) {
		return false
	}
	rest := bytes.TrimLeft(src[len(delim):], " \t\r")
	return len(rest) == 0 || rest[0] == '\n'
}

// Meta is decoded page metadata.
type Meta struct {
	Title       string
	Summary     string
	Description string
	Weight      int
	Date        time.Time
	Lastmod     time.Time
	Draft       bool
	Slug        string
	Aliases     []string
	// Terms maps a taxonomy's plural name to the page's terms, in the order written.
	Terms map[string][]string
	// Params holds every front matter key, lower-cased, with its decoded value.
	Params map[string]any
}

type field struct {
	key       string
	val       any
	line, col int
}

// Parse decodes front matter text in format f. fmLine is the file line on
// which the text starts; taxonomies lists the plural taxonomy names whose keys
// hold term lists. All problems are returned together.
func Parse(path string, f Format, fm []byte, fmLine int, taxonomies []string) (*Meta, error) {
	var fields []field
	var err error
	switch f {
	case YAML:
		fields, err = yamlFields(path, fm, fmLine)
	case TOML:
		fields, err = tomlFields(path, fm, fmLine)
	}
	if err != nil {
		return nil, err
	}
	return decode(path, fields, fmLine, taxonomies)
}

var yamlLineRE = regexp.MustCompile(`line (\d+)(?::(\d+))?`)

func yamlFields(path string, fm []byte, fmLine int) ([]field, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(fm, &doc); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		line, col := 0, 0
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			if m[2] != "" {
				col, _ = strconv.Atoi(m[2])
			}
			msg = strings.TrimSpace(strings.TrimPrefix(yamlLineRE.ReplaceAllString(msg, ""), ":"))
			line += fmLine - 1
		} else {
			line = fmLine - 1
		}
		return nil, diag.New(path, line, col, "invalid YAML front matter: %s", msg)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, diag.New(path, root.Line+fmLine-1, root.Column, "front matter must be a mapping of keys to values")
	}
	var out []field
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var val any
		if err := v.Decode(&val); err != nil {
			return nil, diag.New(path, v.Line+fmLine-1, v.Column, "%s: %v", k.Value, err)
		}
		out = append(out, field{key: k.Value, val: val, line: v.Line + fmLine - 1, col: v.Column})
	}
	return out, nil
}

func tomlFields(path string, fm []byte, fmLine int) ([]field, error) {
	m, err := tomldiag.Decode(path, fm, fmLine-1)
	if err != nil {
		return nil, err
	}
	out := make([]field, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		line, col := tomldiag.KeyPosition(fm, k)
		if line > 0 {
			line += fmLine - 1
		}
		out = append(out, field{key: k, val: m[k], line: line, col: col})
	}
	return out, nil
}

func decode(path string, fields []field, fmLine int, taxonomies []string) (*Meta, error) {
	var list diag.List
	m := &Meta{Terms: map[string][]string{}, Params: make(map[string]any, len(fields))}
	isTax := map[string]bool{}
	for _, t := range taxonomies {
		isTax[t] = true
	}
	bad := func(fl field, format string, args ...any) {
		list.Add(diag.New(path, fl.line, fl.col, "%s: %s", fl.key, fmt.Sprintf(format, args...)))
	}
	haveTitle := false
	for _, fl := range fields {
		key := strings.ToLower(fl.key)
		m.Params[key] = fl.val
		switch key {
		case "title", "summary", "description", "slug":
			s, ok := scalarString(fl.val)
			if !ok {
				bad(fl, "expected text, got %s", describe(fl.val))
				continue
			}
			switch key {
			case "title":
				m.Title = strings.TrimSpace(s)
				haveTitle = true
				if m.Title == "" {
					bad(fl, "title is empty")
				}
			case "summary":
				m.Summary = strings.TrimSpace(s)
			case "description":
				m.Description = strings.TrimSpace(s)
			case "slug":
				m.Slug = strings.TrimSpace(s)
				if strings.ContainsAny(m.Slug, "/\\?#") || m.Slug == "." || m.Slug == ".." {
					bad(fl, "slug %q must be a single path segment", m.Slug)
				}
			}
		case "weight":
			n, ok := toInt(fl.val)
			if !ok {
				bad(fl, "expected an integer, got %s", describe(fl.val))
				continue
			}
			m.Weight = n
		case "date", "lastmod":
			t, err := toTime(fl.val)
			if err != nil {
				bad(fl, "%v", err)
				continue
			}
			if key == "date" {
				m.Date = t
			} else {
				m.Lastmod = t
			}
		case "draft":
			b, ok := fl.val.(bool)
			if !ok {
				bad(fl, "expected true or false, got %s", describe(fl.val))
				continue
			}
			m.Draft = b
		case "aliases":
			ss, ok := toStrings(fl.val)
			if !ok {
				bad(fl, "expected a list of paths, got %s", describe(fl.val))
				continue
			}
			for _, a := range ss {
				if !strings.HasPrefix(a, "/") || strings.Contains(a, "..") || strings.ContainsAny(a, "?#") {
					bad(fl, "alias %q must be a site path starting with /", a)
				}
			}
			m.Aliases = ss
		default:
			if isTax[key] {
				ss, ok := toStrings(fl.val)
				if !ok {
					bad(fl, "expected a list of terms, got %s", describe(fl.val))
					continue
				}
				var terms []string
				for _, s := range ss {
					if s = strings.TrimSpace(s); s != "" {
						terms = append(terms, s)
					}
				}
				m.Terms[key] = terms
			}
		}
	}
	if !haveTitle {
		line := fmLine - 1
		if line < 1 {
			line = 1
		}
		list.Add(diag.New(path, line, 0, "title is required in the front matter"))
	}
	if err := list.Err(); err != nil {
		return nil, err
	}
	if m.Lastmod.IsZero() {
		m.Lastmod = m.Date
	}
	return m, nil
}

func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int, int64, uint64, float64, bool:
		return fmt.Sprint(x), true
	}
	return "", false
}

func toInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		if x > math.MaxInt32 || x < math.MinInt32 {
			return 0, false
		}
		return int(x), true
	case uint64:
		if x > math.MaxInt32 {
			return 0, false
		}
		return int(x), true
	}
	return 0, false
}

func toStrings(v any) ([]string, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		return []string{x}, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := scalarString(e)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
}

func toTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), nil
	case toml.LocalDate:
		return time.Date(x.Year, time.Month(x.Month), x.Day, 0, 0, 0, 0, time.UTC), nil
	case toml.LocalDateTime:
		return x.AsTime(time.UTC), nil
	case string:
		s := strings.TrimSpace(x)
		for _, l := range dateLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return t.UTC(), nil
			}
		}
		return time.Time{}, fmt.Errorf("%q is not a valid date (use YYYY-MM-DD or RFC 3339, and a day that exists)", s)
	}
	return time.Time{}, fmt.Errorf("expected a date, got %s", describe(v))
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing"
	case string:
		if len(x) > 40 {
			x = x[:40] + "…"
		}
		return fmt.Sprintf("text %q", x)
	case bool:
		return fmt.Sprintf("the boolean %v", x)
	case int, int64, uint64:
		return fmt.Sprintf("the number %v", x)
	case float64:
		return fmt.Sprintf("the number %v", x)
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	case time.Time:
		return "a date"
	}
	return fmt.Sprintf("a %T", v)
}
