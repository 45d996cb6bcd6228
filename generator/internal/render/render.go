// Package render turns the content tree into output files: it loads the
// theme's html/template layouts (a site-level layouts/ folder overrides files
// of the same name), processes CSS and JavaScript assets (minified and
// fingerprinted), looks up the theme's strings in the site's language
// (package i18n), and renders content pages, alias redirects and the
// generated outputs listed as data in outputs.go (taxonomy and term pages,
// search, 404, sitemap, Atom feed, robots.txt).
package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	mhtml "github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/svg"

	"vepkb/generator/internal/config"
	"vepkb/generator/internal/content"
	"vepkb/generator/internal/diag"
	"vepkb/generator/internal/i18n"
	"vepkb/generator/internal/tomldiag"
)

// Kinds of layout, one template file each.

// Theme is a loaded theme: parsed templates and processed assets.
type Theme struct {
	cfg       *config.Config
	root      string
	templates map[string]*template.Template // by layout kind
	files     map[string]string             // template name → file path relative to the site root
	assets    map[string]Asset              // by logical name ("css/main.css")
	minifier  *minify.M
	base      *template.Template // base.html and partials, for partialCached
	cache     sync.Map           // partialCached results of the current build
	// Static maps output site paths to source files from the theme's and the
	// site's static folders (the site's win).
	Static map[string]string
	// Strings are the visible words of the theme in the site's language,
	// from the theme's i18n/ folder and the site's (the site's win).
	Strings *i18n.Strings

	searchOnce    sync.Once // SearchStrings, which every page links
	searchURL     string
	searchStrings []byte
}

// Asset is a processed asset.
type Asset struct {
	Name      string // logical name, "css/main.css"
	URL       string // site path with fingerprint, "/assets/css/main.3f2a1b9c.css"
	Data      []byte
	Integrity string // subresource integrity value
}

// Extra hands a theme more asset sources, such as generated CSS.
type Extra struct {
	// Append adds text to the end of a named asset before minification.
	Append map[string]string
}

// LoadTheme parses the layouts of the configured theme and processes its assets.
func LoadTheme(root string, cfg *config.Config, extra Extra) (*Theme, error) {
	themeDir := filepath.Join(root, "themes", cfg.Theme)
	if st, err := os.Stat(themeDir); err != nil || !st.IsDir() {
		l, c := 0, 0
		if data, err := os.ReadFile(filepath.Join(root, config.FileName)); err == nil {
			l, c = tomldiag.KeyPosition(data, "theme")
		}
		return nil, diag.New(config.FileName, l, c, "theme %q not found: no folder themes/%s", cfg.Theme, cfg.Theme)
	}
	m := minify.New()
	m.AddFunc("text/css", css.Minify)
	m.AddFunc("text/javascript", js.Minify)
	m.AddFunc("image/svg+xml", svg.Minify)
	m.Add("text/html", &mhtml.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true, KeepDefaultAttrVals: true})
	t := &Theme{cfg: cfg, root: root, minifier: m, assets: map[string]Asset{}, Static: map[string]string{}}

	var list diag.List
	strs, err := i18n.Load([]string{filepath.Join(themeDir, "i18n"), filepath.Join(root, "i18n")}, cfg.LanguageCode,
		func(p string) string { return relTo(root, p) })
	if err != nil {
		if ds := diag.As(err); ds != nil {
			list.Add(ds...)
		} else {
			list.Addf(relTo(root, filepath.Join(themeDir, "i18n")), 0, 0, "%v", err)
		}
	}
	t.Strings = strs
	if err := t.loadAssets(root, themeDir, extra, &list); err != nil {
		return nil, err
	}
	t.loadTemplates(root, themeDir, &list)
	for _, dir := range []string{filepath.Join(themeDir, "static"), filepath.Join(root, "static")} {
		collectFiles(dir, func(rel, src string) { t.Static["/"+rel] = src })
	}
	if err := list.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

// collectFiles calls fn for each regular file under dir (which may be missing).
func collectFiles(dir string, fn func(rel, src string)) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
				return nil
			}
		}
		rel, _ := filepath.Rel(dir, p)
		fn(filepath.ToSlash(rel), p)
		return nil
	})
}

func (t *Theme) loadAssets(root, themeDir string, extra Extra, list *diag.List) error {
	sources := map[string]string{}
	for _, dir := range []string{filepath.Join(themeDir, "assets"), filepath.Join(root, "assets")} {
		collectFiles(dir, func(rel, src string) { sources[rel] = src })
	}
	for _, name := range slices.Sorted(maps.Keys(sources)) {
		data, err := os.ReadFile(sources[name])
		if err != nil {
			list.Addf(relTo(root, sources[name]), 0, 0, "%v", err)
			continue
		}
		if add, ok := extra.Append[name]; ok {
			data = append(append(data, '\n'), add...)
		}
		mt := ""
		switch path.Ext(name) {
		case ".css":
			mt = "text/css"
		case ".js", ".mjs":
			mt = "text/javascript"
		case ".svg":
			mt = "image/svg+xml"
		}
		if mt != "" {
			out, err := t.minifier.Bytes(mt, data)
			if err != nil {
				list.Addf(relTo(root, sources[name]), 0, 0, "cannot minify: %v", err)
				continue
			}
			data = out
		}
		sum := sha256.Sum256(data)
		ext := path.Ext(name)
		url := "/assets/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
		t.assets[name] = Asset{Name: name, URL: url, Data: data,
			Integrity: "sha256-" + base64.StdEncoding.EncodeToString(sum[:])}
	}
	return nil
}

// Assets returns the processed assets sorted by name.
func (t *Theme) Assets() []Asset {
	out := make([]Asset, 0, len(t.assets))
	for _, a := range t.assets {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func relTo(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(p)
}

// hrefTemplate renders an href attribute exactly as html/template escapes it.
var hrefTemplate = template.Must(template.New("href").Parse(`href="{{.}}"`))

// ResetCache forgets partialCached results; call it before each build.
func (t *Theme) ResetCache() { t.cache.Clear() }

var tmplErrRE = regexp.MustCompile(`^template: ([^:]+):(\d+)(?::(\d+))?: (.*)$`)

// TemplateError converts an html/template error into a diagnostic naming the
// template's file (relative to the site root) and line.
func (t *Theme) TemplateError(err error) diag.Diagnostic {
	d := templateError(err)
	if f, ok := t.files[d.Path]; ok {
		d.Path = f
	}
	return d
}

func templateError(err error) diag.Diagnostic {
	if d, ok := errors.AsType[diag.Diagnostic](err); ok {
		return d
	}
	msg := err.Error()
	first, _, _ := strings.Cut(msg, "\n")
	if m := tmplErrRE.FindStringSubmatch(first); m != nil {
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		rest := m[4]
		// Execution errors repeat the location: "executing "x" at <.Foo>: ...".
		return diag.New(m[1], line, col, "%s", rest)
	}
	var ee *template.Error
	if errors.As(err, &ee) && ee.Name != "" {
		return diag.New(ee.Name, ee.Line, 0, "%s", ee.Description)
	}
	return diag.New("layouts", 0, 0, "%s", msg)
}

// layout is a layout the theme may provide.
type layout struct {
	name     string
	optional bool
}

// layouts are the layouts of content pages (required) and of Outputs.
func layouts() []layout {
	var out []layout
	for _, name := range ContentLayouts {
		out = append(out, layout{name, false})
	}
	for _, o := range Outputs {
		if o.Layout != "" {
			out = append(out, layout{o.Layout, o.Optional})
		}
	}
	return out
}

// HasLayout reports whether the theme (or the site) provides the layout.
func (t *Theme) HasLayout(name string) bool { return t.templates[name] != nil }

func (t *Theme) loadTemplates(root, themeDir string, list *diag.List) {
	// name ("partials/head.html") → file path; the site's layouts/ override.
	files := map[string]string{}
	for _, dir := range []string{filepath.Join(themeDir, "layouts"), filepath.Join(root, "layouts")} {
		collectFiles(dir, func(rel, src string) {
			if strings.HasSuffix(rel, ".html") || strings.HasSuffix(rel, ".xml") {
				files[rel] = src
			}
		})
	}
	t.files = map[string]string{}
	for name, src := range files {
		t.files[name] = relTo(root, src)
	}
	var shared []string
	for name := range files {
		if name == "base.html" || strings.HasPrefix(name, "partials/") {
			shared = append(shared, name)
		}
	}
	sort.Strings(shared)
	base := template.New("").Funcs(t.funcs())
	for _, name := range shared {
		if err := parseFile(base, name, files[name]); err != nil {
			list.Add(t.TemplateError(err))
		}
	}
	if list.Len() > 0 {
		return
	}
	t.templates = map[string]*template.Template{}
	defer func() {
		// Executing a set forbids cloning it afterwards, so the set used by
		// partialCached is cloned last.
		if b, err := base.Clone(); err == nil {
			t.base = b
		}
	}()
	for _, l := range layouts() {
		kind := l.name
		src, ok := files[kind+".html"]
		if !ok {
			if !l.optional {
				list.Addf(relTo(root, filepath.Join(themeDir, "layouts", kind+".html")), 0, 0, "layout missing: every theme needs %s.html", kind)
			}
			continue
		}
		tpl, err := base.Clone()
		if err != nil {
			list.Add(t.TemplateError(err))
			continue
		}
		if err := parseFile(tpl, kind+".html", src); err != nil {
			list.Add(t.TemplateError(err))
			continue
		}
		// A layout that defines "main" fills the page skeleton (base.html);
		// one that does not (alias, print) is a whole document.
		entry := kind + ".html"
		if files["base.html"] != "" && tpl.Lookup("main") != nil && kind != "alias" {
			entry = "base.html"
		}
		t.templates[kind] = tpl.Lookup(entry)
	}
}

func parseFile(t *template.Template, name, file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	_, err = t.New(name).Parse(string(data))
	return err
}

// Execute renders the layout of a kind with data.
func (t *Theme) Execute(kind string, data any) ([]byte, error) {
	tpl := t.templates[kind]
	if tpl == nil {
		return nil, diag.New("layouts", 0, 0, "no layout for %s pages", kind)
	}
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, data); err != nil {
		return nil, t.TemplateError(err)
	}
	if t.cfg.MinifyHTML() {
		out, err := t.minifier.Bytes("text/html", buf.Bytes())
		if err == nil {
			return out, nil
		}
	}
	return buf.Bytes(), nil
}

func (t *Theme) funcs() template.FuncMap {
	cfg := t.cfg
	return template.FuncMap{
		"relURL": func(p string) string { return cfg.RelURL(p) },
		"absURL": func(p string) string { return cfg.AbsURL(p) },
		"asset": func(name string) (string, error) {
			a, ok := t.assets[name]
			if !ok {
				return "", fmt.Errorf("asset %q not found in assets/", name)
			}
			return cfg.RelURL(a.URL), nil
		},
		"integrity": func(name string) string { return t.assets[name].Integrity },
		// T returns the theme's text for key in the site's language, with
		// {name} placeholders filled from name, value pairs ("count" picks
		// the plural form). It escapes like any text; pipe it to safeHTML
		// for strings that hold markup.
		"T": func(key string, args ...any) (string, error) { return t.Strings.T(key, args...) },
		// searchStrings is the site path of the search script's strings.
		"searchStrings": func() string { u, _ := t.SearchStrings(); return cfg.RelURL(u) },
		// safeHTML marks the theme's own markup as safe HTML.
		"safeHTML": func(s string) template.HTML { return template.HTML(s) },
		// date formats a date with the language's month names and order.
		"date":           func(tm time.Time) string { return t.Strings.Date(tm) },
		"isoDate":        func(tm time.Time) string { return tm.Format("2006-01-02") },
		"readingMinutes": content.ReadingMinutes,
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, errors.New("dict needs key and value pairs")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"param": func(key string) any { return cfg.Params[key] },
		// partialCached renders a partial once per build for each key and
		// reuses the result, for fragments shared by many pages.
		"partialCached": func(name string, ctx any, key string) (template.HTML, error) {
			ck := name + "\x00" + key
			if v, ok := t.cache.Load(ck); ok {
				return v.(template.HTML), nil
			}
			tpl := t.base.Lookup(name)
			if tpl == nil {
				return "", fmt.Errorf("partialCached: no template %q", name)
			}
			var buf bytes.Buffer
			if err := tpl.Execute(&buf, ctx); err != nil {
				return "", err
			}
			h := template.HTML(buf.String())
			t.cache.Store(ck, h)
			return h, nil
		},
		// markCurrent adds aria-current="page" to the links to url in a fragment.
		"markCurrent": func(h template.HTML, url string) (template.HTML, error) {
			var b bytes.Buffer
			if err := hrefTemplate.Execute(&b, url); err != nil {
				return h, err
			}
			needle := b.String()
			return template.HTML(strings.ReplaceAll(string(h), needle, needle+` aria-current="page"`)), nil
		},
		"add": func(a, b int) int { return a + b },
	}
}
