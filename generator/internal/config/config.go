// Package config reads and validates the site configuration, config.toml.
//
// Errors are reported as diagnostics naming config.toml with line and column:
// TOML syntax errors, values of the wrong type, unknown keys and invalid values.
package config

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	toml "github.com/pelletier/go-toml/v2"

	"vepkb/generator/internal/diag"
	"vepkb/generator/internal/slug"
	"vepkb/generator/internal/tomldiag"
)

// FileName is the name of the configuration file in the site root.
const FileName = "config.toml"

// Config is the validated site configuration.
type Config struct {
	Title        string         `toml:"title"`
	BaseURL      string         `toml:"baseURL"`
	LanguageCode string         `toml:"languageCode"`
	Description  string         `toml:"description"`
	Theme        string         `toml:"theme"`
	Copyright    string         `toml:"copyright"`
	Params       map[string]any `toml:"params"`
	Menu         Menus          `toml:"menu"`
	// Taxonomies maps the singular name to the plural one used in front
	// matter and URLs, as Hugo does: tag = "tags".
	Taxonomies map[string]string `toml:"taxonomies"`
	Outputs    Outputs           `toml:"outputs"`
	Markup     Markup            `toml:"markup"`
	Build      Build             `toml:"build"`
	Search     Search            `toml:"search"`
	PDF        PDF               `toml:"pdf"`

	// Base is BaseURL parsed; its path always ends in a slash.
	Base *url.URL `toml:"-"`
}

// Menus holds the site menus.
type Menus struct {
	Main []MenuItem `toml:"main"`
}

// MenuItem is one entry of a menu.
type MenuItem struct {
	Name   string `toml:"name"`
	URL    string `toml:"url"`
	Weight int    `toml:"weight"`
}

// Outputs switches site-wide outputs on or off.
type Outputs struct {
	Feed    *bool `toml:"feed"`
	Sitemap *bool `toml:"sitemap"`
	// Offline lets readers keep the whole site on their device (a service
	// worker and offline.json; default true).
	Offline *bool `toml:"offline"`
	// OfflineCopy makes build write the offline copy: the site as a zip
	// archive that works from the files, with no server (default false).
	OfflineCopy *bool `toml:"offlineCopy"`
	FeedLimit   int   `toml:"feedLimit"`
}

// Markup configures Markdown rendering.
type Markup struct {
	// Unsafe lets raw HTML through. javascript: URLs are dropped regardless.
	Unsafe      bool  `toml:"unsafe"`
	Typographer *bool `toml:"typographer"`
	// TOCLevels lists the heading levels shown in on-page tables of contents.
	TOCLevels      []int  `toml:"tocLevels"`
	HighlightLight string `toml:"highlightStyle"`
	HighlightDark  string `toml:"highlightStyleDark"`
}

// Search configures the site search.
type Search struct {
	// Enabled builds the search index and offers search on every page.
	Enabled *bool `toml:"enabled"`
	// Synonyms are groups of words or phrases searched as one at query time
	// (British and American spellings, acronyms, terms in other languages).
	Synonyms [][]string `toml:"synonyms"`
	// PageSize is the target size in bytes of an index page (default 8192).
	PageSize int `toml:"pageSize"`
}

// PDF configures the guides' PDFs.
type PDF struct {
	// Enabled makes a PDF of each guide (and of the whole knowledge base)
	// in every build. Off by default; on in this project's config.toml.
	Enabled *bool `toml:"enabled"`
	// Paper is "a4" (default) or "letter".
	Paper string `toml:"paper"`
	// Margins of the page, as CSS lengths: one value for all four sides, or
	// top, right, bottom, left (default "22mm 18mm 24mm 18mm").
	Margins string `toml:"margins"`
	// Guides lists the guide folders that get a PDF (default: all).
	Guides []string `toml:"guides"`
	// Whole makes one PDF of the whole knowledge base too (default true).
	Whole *bool `toml:"whole"`
	// Browser is the Chromium (or Chrome) executable; default: $CHROME_PATH,
	// then chromium, chromium-browser or google-chrome on PATH.
	Browser string `toml:"browser"`
}

// OfflineEnabled reports whether readers may keep the site on their device.
func (c *Config) OfflineEnabled() bool { return c.Outputs.Offline == nil || *c.Outputs.Offline }

// OfflineCopyEnabled reports whether builds write the offline copy.
func (c *Config) OfflineCopyEnabled() bool {
	return c.Outputs.OfflineCopy != nil && *c.Outputs.OfflineCopy
}

// OfflineCopyPath is the site path of the offline copy: the site's title
// as a file name ("/cso-prison-practice-knowledge-base-offline.zip").
func (c *Config) OfflineCopyPath() string {
	name := slug.Make(c.Title)
	if name == "" {
		name = "site"
	}
	return "/" + name + "-offline.zip"
}

// PDFEnabled reports whether builds make PDFs.
func (c *Config) PDFEnabled() bool { return c.PDF.Enabled != nil && *c.PDF.Enabled }

// PDFWhole reports whether a PDF of the whole knowledge base is made.
func (c *Config) PDFWhole() bool { return c.PDF.Whole == nil || *c.PDF.Whole }

// SearchEnabled reports whether the search index is built and search is
// offered ([search] enabled; off by default, on in this project's own
// config.toml; see docs/search.md).
func (c *Config) SearchEnabled() bool { return c.Search.Enabled != nil && *c.Search.Enabled }

// Build holds build options.
type Build struct {
	// MinifyHTML minifies generated HTML pages.
	MinifyHTML *bool `toml:"minifyHTML"`
	// Workers bounds parallelism; 0 means one per CPU.
	Workers int `toml:"workers"`
}

// FeedEnabled reports whether the Atom feed is written.
func (c *Config) FeedEnabled() bool { return c.Outputs.Feed == nil || *c.Outputs.Feed }

// SitemapEnabled reports whether sitemap.xml is written.
func (c *Config) SitemapEnabled() bool { return c.Outputs.Sitemap == nil || *c.Outputs.Sitemap }

// Typographer reports whether smart punctuation is on.
func (c *Config) Typographer() bool { return c.Markup.Typographer == nil || *c.Markup.Typographer }

// MinifyHTML reports whether HTML output is minified.
func (c *Config) MinifyHTML() bool { return c.Build.MinifyHTML != nil && *c.Build.MinifyHTML }

// TaxonomyNames returns the plural taxonomy names in a stable order.
func (c *Config) TaxonomyNames() []string {
	return slices.Sorted(maps.Values(c.Taxonomies))
}

// Load reads root/config.toml. A missing file is an error.
func Load(root string) (*Config, error) {
	data, err := os.ReadFile(filepath.Join(root, FileName))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, diag.New(FileName, 0, 0, "no configuration file: create %s in the site root (%s)", FileName, root)
		}
		return nil, diag.New(FileName, 0, 0, "%v", err)
	}
	return Parse(data)
}

// Parse decodes and validates configuration data.
func Parse(data []byte) (*Config, error) {
	var c Config
	dec := toml.NewDecoder(strings.NewReader(string(data))).DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, tomldiag.Error(FileName, data, err, 0)
	}
	var list diag.List
	c.applyDefaults()
	c.validate(data, &list)
	if err := list.Err(); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Config) applyDefaults() {
	if c.Theme == "" {
		c.Theme = "default"
	}
	if c.LanguageCode == "" {
		c.LanguageCode = "en"
	}
	if c.BaseURL == "" {
		c.BaseURL = "/"
	}
	if c.Taxonomies == nil {
		c.Taxonomies = map[string]string{"tag": "tags", "audience": "audiences"}
	}
	if c.Outputs.FeedLimit == 0 {
		c.Outputs.FeedLimit = 20
	}
	if len(c.Markup.TOCLevels) == 0 {
		c.Markup.TOCLevels = []int{2, 3}
	}
	if c.Markup.HighlightLight == "" {
		c.Markup.HighlightLight = "github"
	}
	if c.Markup.HighlightDark == "" {
		c.Markup.HighlightDark = "github-dark"
	}
	if c.Params == nil {
		c.Params = map[string]any{}
	}
	if c.PDF.Paper == "" {
		c.PDF.Paper = "a4"
	}
	if c.PDF.Margins == "" {
		c.PDF.Margins = "22mm 18mm 24mm 18mm"
	}
}

func (c *Config) validate(data []byte, list *diag.List) {
	at := func(key string) (int, int) { return tomldiag.KeyPosition(data, key) }
	if strings.TrimSpace(c.Title) == "" {
		l, col := at("title")
		list.Add(diag.New(FileName, l, col, "title is required"))
	}
	if err := c.SetBaseURL(c.BaseURL); err != nil {
		l, col := at("baseURL")
		list.Add(diag.New(FileName, l, col, "%v", err))
	}
	if strings.ContainsAny(c.Theme, `/\`) || c.Theme == "." || c.Theme == ".." {
		l, col := at("theme")
		list.Add(diag.New(FileName, l, col, "theme %q must be a folder name under themes/", c.Theme))
	}
	for singular, plural := range c.Taxonomies {
		if plural == "" || singular == "" || strings.ContainsAny(plural, "/ ") {
			l, col := at(singular)
			list.Add(diag.New(FileName, l, col, "taxonomy %q: plural name %q must be a non-empty word", singular, plural))
		}
	}
	for _, lv := range c.Markup.TOCLevels {
		if lv < 1 || lv > 6 {
			l, col := at("tocLevels")
			list.Add(diag.New(FileName, l, col, "markup.tocLevels: %d is not a heading level (1-6)", lv))
		}
	}
	for i, m := range c.Menu.Main {
		if m.Name == "" || m.URL == "" {
			list.Add(diag.New(FileName, 0, 0, "menu.main entry %d needs both name and url", i+1))
		}
	}
	if c.Search.PageSize < 0 || (c.Search.PageSize > 0 && c.Search.PageSize < 1024) {
		l, col := at("pageSize")
		list.Add(diag.New(FileName, l, col, "search.pageSize must be at least 1024 bytes"))
	}
	for i, g := range c.Search.Synonyms {
		if len(g) < 2 {
			list.Add(diag.New(FileName, 0, 0, "search.synonyms group %d needs at least two terms", i+1))
		}
	}
	if c.PDF.Paper != "a4" && c.PDF.Paper != "letter" {
		l, col := at("paper")
		list.Add(diag.New(FileName, l, col, "pdf.paper must be \"a4\" or \"letter\", not %q", c.PDF.Paper))
	}
	if f := strings.Fields(c.PDF.Margins); len(f) != 1 && len(f) != 2 && len(f) != 4 || !cssLengths.MatchString(c.PDF.Margins) {
		l, col := at("margins")
		list.Add(diag.New(FileName, l, col, "pdf.margins must be 1, 2 or 4 CSS lengths such as \"20mm\" or \"0.8in\", not %q", c.PDF.Margins))
	}
	if c.Build.Workers < 0 {
		l, col := at("workers")
		list.Add(diag.New(FileName, l, col, "build.workers must be zero or positive"))
	}
	if c.Outputs.FeedLimit < 0 {
		l, col := at("feedLimit")
		list.Add(diag.New(FileName, l, col, "outputs.feedLimit must be zero or positive"))
	}
}

var cssLengths = regexp.MustCompile(`^\s*(\d+(\.\d+)?(mm|cm|in|pt|pc|px)\s*)+$`)

// SetBaseURL sets the base URL (from config.toml or --base-url): an
// absolute http(s) URL or a path.
func (c *Config) SetBaseURL(base string) error {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") || (u.Scheme != "" && u.Host == "") {
		return fmt.Errorf("baseURL %q is not an absolute http(s) URL or a path", base)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	u.RawQuery, u.Fragment = "", ""
	c.BaseURL, c.Base = base, u
	return nil
}

// AbsURL returns the absolute URL of a site path such as "/guide/chapter/".
// When baseURL is only a path, the result is that path joined with p.
func (c *Config) AbsURL(p string) string {
	return c.Base.String() + strings.TrimPrefix(p, "/")
}

// RelURL returns the site path p prefixed with the base URL's path.
func (c *Config) RelURL(p string) string {
	return c.Base.Path + strings.TrimPrefix(p, "/")
}

// String summarises the configuration for debugging.
func (c *Config) String() string { return fmt.Sprintf("%s <%s>", c.Title, c.BaseURL) }
