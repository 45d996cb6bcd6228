// Package linkcheck resolves internal links and images to final URLs and
// checks that every target and anchor exists.
//
// Links may be written as relative paths to Markdown files
// ("../guide/chapter.md#anchor"), as site paths ("/guide/chapter/#anchor"),
// as paths relative to the page's URL, or as fragments ("#anchor"). Resolution
// happens while pages render (Resolver); anchors are checked once every page
// has rendered (Check), because a link may point at a page rendered later.
package linkcheck

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"

	"vepkb/generator/internal/content"
	"vepkb/generator/internal/diag"
	"vepkb/generator/kbsearch/editdist"
)

// errFailedTarget marks links to files that failed to load.
var errFailedTarget = errors.New("target failed to load")

// errOutsideSite marks site paths that climb above the site's root.
var errOutsideSite = errors.New("it points outside the site")

var schemeRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.\-]*:`)

// Resolver resolves link destinations against the site.
type Resolver struct {
	Site *content.Site
	// Files holds site paths of static files ("/guide/img/map.png").
	Files map[string]bool
	// Generated holds site paths of pages the build makes that are not
	// content pages (taxonomy lists, the search page).
	Generated map[string]bool
	// Drafts holds content-relative paths of drafts left out of the build.
	Drafts map[string]bool
	// Failed holds content-relative paths of files that failed to load; links
	// to them are not reported again (their own error is).
	Failed map[string]bool
	// Prefix is the base URL's path, prepended to every site path ("/" or "/kb/").
	Prefix string
}

// IsExternal reports whether dest has a scheme or is protocol-relative.
func IsExternal(dest string) bool {
	return schemeRE.MatchString(dest) || strings.HasPrefix(dest, "//")
}

// Resolve implements markdown.Resolver.
func (r *Resolver) Resolve(p *content.Page, dest string, image bool) (string, *content.Link, error) {
	if strings.TrimSpace(dest) == "" {
		return "", nil, errors.New("empty link destination")
	}
	if IsExternal(dest) {
		return dest, nil, nil
	}
	pathPart, anchor, _ := strings.Cut(dest, "#")
	pathPart, query, _ := strings.Cut(pathPart, "?")
	if pathPart == "" {
		if anchor == "" {
			return "", nil, errors.New("empty link destination")
		}
		return "#" + anchor, &content.Link{Target: p, Anchor: anchor}, nil
	}
	unesc, err := url.PathUnescape(pathPart)
	if err != nil {
		return "", nil, fmt.Errorf("invalid link %q: %v", dest, err)
	}
	var target *content.Page
	var fileURL string
	switch {
	case strings.HasPrefix(unesc, "/"):
		target, fileURL, err = r.bySitePath(unesc)
	case strings.EqualFold(path.Ext(unesc), ".md"):
		target, err = r.bySource(p, unesc)
		if errors.Is(err, errFailedTarget) {
			return "#", nil, nil
		}
	default:
		// A file beside the Markdown file, else a URL relative to the page.
		rel := path.Join(path.Dir(p.Rel), unesc)
		if !strings.HasPrefix(rel, "../") && r.Files["/"+rel] {
			fileURL = "/" + rel
		} else {
			abs := path.Join(p.URL, unesc)
			if strings.HasSuffix(unesc, "/") {
				abs += "/"
			}
			target, fileURL, err = r.bySitePath(abs)
			if err != nil && !errors.Is(err, errOutsideSite) {
				err = fmt.Errorf("broken link %q: no file %s/%s and no page at %s%s", dest, r.Site.ContentDir, rel, abs, r.suggestURL(content.CleanURL(abs)))
			}
		}
	}
	if err != nil {
		return "", nil, err
	}
	if image && target != nil {
		return "", nil, fmt.Errorf("image %q points at a page, not an image file", dest)
	}
	var out string
	if target != nil {
		out = r.Prefix + strings.TrimPrefix(target.URL, "/")
	} else {
		out = r.Prefix + strings.TrimPrefix(fileURL, "/")
	}
	out = (&url.URL{Path: out}).EscapedPath()
	if query != "" {
		out += "?" + query
	}
	if anchor != "" {
		out += "#" + anchor
	}
	if target == nil {
		// Anchors in static files and generated pages are not checked.
		return out, &content.Link{Anchor: anchor}, nil
	}
	return out, &content.Link{Target: target, Anchor: anchor}, nil
}

func (r *Resolver) bySource(p *content.Page, rel string) (*content.Page, error) {
	joined := path.Join(path.Dir(p.Rel), rel)
	if strings.HasPrefix(rel, "/") {
		joined = strings.TrimPrefix(path.Clean(rel), "/")
	}
	if joined == ".." || strings.HasPrefix(joined, "../") {
		return nil, fmt.Errorf("broken link %q: it points outside the content folder", rel)
	}
	if t := r.Site.BySource[joined]; t != nil {
		return t, nil
	}
	// index.md and README.md are common names for a folder's page.
	base := path.Base(joined)
	if strings.EqualFold(base, "index.md") || strings.EqualFold(base, "readme.md") {
		if t := r.Site.BySource[path.Join(path.Dir(joined), "_index.md")]; t != nil {
			return t, nil
		}
	}
	if r.Failed[joined] {
		return nil, errFailedTarget
	}
	if r.Drafts[joined] {
		return nil, fmt.Errorf("broken link %q: %s/%s is a draft and is not published", rel, r.Site.ContentDir, joined)
	}
	return nil, fmt.Errorf("broken link %q: %s/%s does not exist%s", rel, r.Site.ContentDir, joined, r.suggestSource(joined, p.Rel))
}

func (r *Resolver) bySitePath(p string) (*content.Page, string, error) {
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	if strings.HasPrefix(clean, "/../") || clean == "/.." {
		return nil, "", fmt.Errorf("broken link %q: %w", p, errOutsideSite)
	}
	if r.Files[clean] {
		return nil, clean, nil
	}
	u := content.CleanURL(clean)
	if t := r.Site.ByURL[u]; t != nil {
		return t, "", nil
	}
	if r.Generated[u] || r.Generated[clean] {
		return nil, clean, nil
	}
	return nil, "", fmt.Errorf("broken link %q: no page or file has this URL%s", p, r.suggestURL(u))
}

func (r *Resolver) suggestSource(rel, self string) string {
	keys := slices.Sorted(maps.Keys(r.Site.BySource))
	for i, k := range keys {
		if k == self {
			keys = append(keys[:i], keys[i+1:]...)
			break
		}
	}
	return suggest(keys, rel, "")
}

func (r *Resolver) suggestURL(u string) string {
	return suggest(slices.Sorted(maps.Keys(r.Site.ByURL)), u, "")
}

// maxSuggest is the largest edit distance at which suggest names a candidate.
const maxSuggest = 3

// suggest returns " (did you mean X?)" for the candidate closest to s (within
// maxSuggest edits; the first of equally close ones), or "".
func suggest(candidates []string, s, prefix string) string {
	best, bestD := "", maxSuggest+1
	for _, k := range candidates {
		if d := distance(k, s); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s%s?)", prefix, best)
}

// Check verifies the anchors of every resolved link once all pages have
// rendered, and returns one diagnostic per broken anchor.
func Check(site *content.Site) []diag.Diagnostic {
	var out []diag.Diagnostic
	for _, p := range site.Pages {
		if p.Doc == nil {
			continue
		}
		for _, l := range p.Doc.Links {
			if l.Target == nil || l.Anchor == "" || l.Target.Doc == nil {
				continue
			}
			a, err := url.PathUnescape(l.Anchor)
			if err != nil {
				a = l.Anchor
			}
			if l.Target.Doc.Anchors[a] {
				continue
			}
			where := "on this page"
			if l.Target != p {
				where = "in " + l.Target.Path
			}
			out = append(out, diag.New(p.Path, l.Line, l.Col, "broken anchor %q: no heading or element has id %q %s%s",
				l.Dest, a, where, suggest(slices.Sorted(maps.Keys(l.Target.Doc.Anchors)), a, "#")))
		}
	}
	return out
}

// distance is the edit distance between a and b in characters when it is at
// most maxSuggest (suggest ignores anything farther), capped for speed:
// strings whose lengths in bytes differ by more than maxSuggest count as far
// apart.
func distance(a, b string) int {
	if d := len(a) - len(b); d > maxSuggest || d < -maxSuggest {
		return maxSuggest + 1
	}
	return editdist.Bounded([]rune(a), []rune(b), maxSuggest)
}
