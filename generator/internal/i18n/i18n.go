// Package i18n owns the words a site shows that are not content: labels,
// headings of generated pages, callout titles, dates. They live in the theme,
// one TOML file per language (themes/<theme>/i18n/<lang>.toml), and a site
// may override any of them in its own i18n/<lang>.toml. Adding a language is
// adding a file; no Go code names a visible string.
//
// A file maps keys to text. Dotted keys or tables group them:
//
//	[callout]
//	note = "Note"
//	[heading]
//	permalink = "Link to this section: {title}"
//	[reading_time]          # plural forms, chosen by the "count" argument
//	one = "{count} min read"
//	other = "{count} min read"
//	[date]
//	months = ["January", …, "December"]
//	format = "{day} {month} {year}"
//
// Placeholders are {name}; T replaces them with the arguments given as
// name, value pairs. Plural forms follow the language's CLDR rules (zero,
// one, two, few, many, other).
package i18n

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"

	"vepkb/generator/internal/diag"
)

// Strings are the translated strings of one language. It is safe for
// concurrent use once loaded.
type Strings struct {
	lang    string
	tag     language.Tag
	text    map[string]string            // key → text
	plurals map[string]map[string]string // key → form → text
	months  []string
	format  string
	source  map[string]string // key → file that defined it, for messages
}

var pluralForms = []string{"zero", "one", "two", "few", "many", "other"}

// Load reads the strings of lang (a BCP 47 code such as "en" or "en-GB";
// the file is named by its base language, en.toml) from each folder in
// dirs, later folders overriding earlier ones. display maps a folder to the
// name used in messages. The base language's file must exist in at least
// one folder, and must give the date's month names and format.
func Load(dirs []string, lang string, display func(string) string) (*Strings, error) {
	tag, err := language.Parse(lang)
	if err != nil {
		tag = language.English
	}
	base, _ := tag.Base()
	s := &Strings{lang: base.String(), tag: tag, text: map[string]string{}, plurals: map[string]map[string]string{}, source: map[string]string{}}
	found := false
	var list diag.List
	for _, dir := range dirs {
		file := filepath.Join(dir, s.lang+".toml")
		data, err := os.ReadFile(file)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		name := file
		if display != nil {
			name = display(file)
		}
		if err != nil {
			list.Addf(name, 0, 0, "%v", err)
			continue
		}
		found = true
		var m map[string]any
		if err := toml.Unmarshal(data, &m); err != nil {
			var de *toml.DecodeError
			if errors.As(err, &de) {
				line, col := de.Position()
				list.Addf(name, line, col, "%s", de.Error())
			} else {
				list.Addf(name, 0, 0, "%v", err)
			}
			continue
		}
		s.add(name, "", m, &list)
	}
	if !found {
		return nil, fmt.Errorf("no strings for language %q: add i18n/%s.toml to the theme", lang, s.lang)
	}
	if list.Len() == 0 && (len(s.months) != 12 || s.format == "") {
		list.Addf("i18n/"+s.lang+".toml", 0, 0, "date.months (12 names) and date.format are required")
	}
	if err := list.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Strings) add(file, prefix string, m map[string]any, list *diag.List) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch v := m[k].(type) {
		case string:
			if key == "date.format" {
				s.format = v
			} else {
				s.text[key] = v
			}
			s.source[key] = file
		case []any:
			if key != "date.months" {
				list.Addf(file, 0, 0, "%s: a list is only allowed for date.months", key)
				continue
			}
			s.months = s.months[:0]
			for _, x := range v {
				str, ok := x.(string)
				if !ok {
					list.Addf(file, 0, 0, "date.months: %v is not text", x)
				}
				s.months = append(s.months, str)
			}
		case map[string]any:
			if isPlural(v) {
				forms := map[string]string{}
				for f, t := range v {
					str, ok := t.(string)
					if !ok {
						list.Addf(file, 0, 0, "%s.%s: expected text", key, f)
						continue
					}
					forms[f] = str
				}
				if forms["other"] == "" {
					list.Addf(file, 0, 0, "%s: plural forms need \"other\"", key)
				}
				s.plurals[key] = forms
				s.source[key] = file
				continue
			}
			s.add(file, key, v, list)
		default:
			list.Addf(file, 0, 0, "%s: expected text, a table or plural forms, got %v", key, v)
		}
	}
}

func isPlural(m map[string]any) bool {
	if len(m) == 0 {
		return false
	}
	for k := range m {
		if !slices.Contains(pluralForms, k) {
			return false
		}
	}
	return true
}

// Fingerprint is a hash of every string, for caches of output that used them.
func (s *Strings) Fingerprint() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%q\x00%s\x00", s.tag, s.months, s.format)
	for _, k := range slices.Sorted(maps.Keys(s.text)) {
		fmt.Fprintf(h, "%s\x00%s\x00", k, s.text[k])
	}
	for _, k := range slices.Sorted(maps.Keys(s.plurals)) {
		forms := s.plurals[k]
		for _, f := range slices.Sorted(maps.Keys(forms)) {
			fmt.Fprintf(h, "%s.%s\x00%s\x00", k, f, forms[f])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Lang returns the base language of the strings ("en").
func (s *Strings) Lang() string { return s.lang }

// Has reports whether key has a translation.
func (s *Strings) Has(key string) bool {
	_, ok := s.text[key]
	_, okp := s.plurals[key]
	return ok || okp
}

// T returns the text of key with its placeholders filled from args, given as
// name, value pairs. A "count" argument chooses among plural forms. A key
// with no text is an error.
func (s *Strings) T(key string, args ...any) (string, error) {
	if len(args)%2 != 0 {
		return "", fmt.Errorf("T %q: arguments must be name, value pairs", key)
	}
	text, ok := s.text[key]
	if forms, isPl := s.plurals[key]; isPl {
		text, ok = forms[s.form(args)], true
		if text == "" {
			text = forms["other"]
		}
	}
	if !ok {
		return "", fmt.Errorf("no translation for %q in i18n/%s.toml", key, s.lang)
	}
	if len(args) == 0 || !strings.Contains(text, "{") {
		return text, nil
	}
	for i := 0; i < len(args); i += 2 {
		if _, ok := args[i].(string); !ok {
			return "", fmt.Errorf("T %q: argument name %v is not text", key, args[i])
		}
	}
	return fill(text, args), nil
}

// fill replaces each {name} in text with the value args pairs with name
// (the first pair of that name), left to right, as a strings.Replacer of
// the pairs would; other braces stay. A page's templates call T a few
// dozen times, and building a Replacer each time was 2.5% of the bytes a
// 1,000-page build allocated.
func fill(text string, args []any) string {
	var b strings.Builder
	b.Grow(len(text) + 16)
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(text[open:], '}')
		if end < 0 {
			break
		}
		name, found := text[open+1:open+end], false
		for i := 0; i < len(args); i += 2 {
			if args[i].(string) == name {
				b.WriteString(text[:open])
				fmt.Fprint(&b, args[i+1])
				text, found = text[open+end+1:], true
				break
			}
		}
		if !found {
			b.WriteString(text[:open+1])
			text = text[open+1:]
		}
	}
	b.WriteString(text)
	return b.String()
}

// MustT is T for keys the generator itself needs: it returns the key itself
// when the theme lacks it, so that a missing string shows rather than fails
// (the theme's own lookups go through T and report missing keys).
func (s *Strings) MustT(key string, args ...any) string {
	t, err := s.T(key, args...)
	if err != nil {
		return key
	}
	return t
}

// form returns the plural form selected by the "count" argument.
func (s *Strings) form(args []any) string {
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] != "count" {
			continue
		}
		n, err := strconv.Atoi(fmt.Sprint(args[i+1]))
		if err != nil {
			return "other"
		}
		if n < 0 {
			n = -n
		}
		switch plural.Cardinal.MatchPlural(s.tag, n, 0, 0, 0, 0) {
		case plural.Zero:
			return "zero"
		case plural.One:
			return "one"
		case plural.Two:
			return "two"
		case plural.Few:
			return "few"
		case plural.Many:
			return "many"
		}
		return "other"
	}
	return "other"
}

// Date formats t with the language's month names and date format.
func (s *Strings) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strings.NewReplacer(
		"{day}", strconv.Itoa(t.Day()),
		"{month}", s.months[t.Month()-1],
		"{year}", strconv.Itoa(t.Year()),
	).Replace(s.format)
}

// Export returns every string whose key starts with prefix ("search."), for
// scripts: text as text, plural forms as an object of forms.
func (s *Strings) Export(prefix string) map[string]any {
	out := map[string]any{}
	for k, v := range s.text {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	for k, v := range s.plurals {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	return out
}
