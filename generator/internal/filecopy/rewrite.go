package filecopy

import (
	"bytes"
	"path"
	"strings"

	"golang.org/x/net/html"
)

// Attributes that a theme uses to talk to the copy.
const (
	// OmitAttr on an element leaves it (and what it holds) out of the copy:
	// the link to download the copy itself, say.
	OmitAttr = "data-offline-copy"
	// LoadAttr marks an element whose script fetches site files (the search
	// form). In the copy its value becomes "script", and the element gains
	// RootAttr, the relative path from the page to the site's root folder
	// ("../../"), so that the script loads each file's wrapper instead
	// (see Wrap).
	LoadAttr = "data-load"
	RootAttr = "data-root"
)

// urlAttrs are the attributes that hold one URL.
var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "poster": true, "cite": true, "data": true, "formaction": true}

// RewriteHTML returns the page at site path rel ("guide/x/index.html") as
// it must be in the copy: links to the site's pages and files are made
// relative to the page and end in index.html where they name a folder;
// elements marked with OmitAttr are left out; integrity attributes are
// dropped (browsers check them only on CORS responses, which file:// is
// not); the element marked with LoadAttr learns the way to the root.
// base is the site's base path ("/" or "/kb/"). Everything else is copied
// byte for byte.
func RewriteHTML(rel string, page []byte, base string) []byte {
	var out bytes.Buffer
	out.Grow(len(page) + len(page)/16)
	z := html.NewTokenizer(bytes.NewReader(page))
	dir := path.Dir(rel) + "/"
	if dir == "./" {
		dir = ""
	}
	skip := 0     // depth inside an omitted element
	skipTag := "" // its tag name
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := z.Raw()
		if skip > 0 {
			name, _ := z.TagName()
			switch {
			case tt == html.StartTagToken && string(name) == skipTag:
				skip++
			case tt == html.EndTagToken && string(name) == skipTag:
				skip--
			}
			continue
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			out.Write(raw)
			continue
		}
		tok := z.Token()
		if tok.Data == "noscript" && tt == html.StartTagToken {
			// Its content is markup for readers without scripts (links).
			z.NextIsNotRawText()
		}
		changed := false
		attrs := tok.Attr[:0:0]
		omit, load, refresh := false, false, false
		for _, a := range tok.Attr {
			switch {
			case a.Key == OmitAttr:
				omit = true
			case a.Key == "integrity":
				changed = true
				continue
			case a.Key == LoadAttr:
				load = true
				a.Val = "script"
				changed = true
			case a.Key == "http-equiv" && strings.EqualFold(a.Val, "refresh"):
				refresh = true
			case urlAttrs[a.Key]:
				if v := Link(dir, a.Val, base); v != a.Val {
					a.Val, changed = v, true
				}
			case a.Key == "srcset":
				if v := rewriteSrcset(dir, a.Val, base); v != a.Val {
					a.Val, changed = v, true
				}
			}
			attrs = append(attrs, a)
		}
		if omit {
			if tt == html.StartTagToken && !voidElements[tok.Data] {
				skip, skipTag = 1, tok.Data
			}
			continue
		}
		if refresh {
			for i, a := range attrs {
				if a.Key == "content" {
					if v := rewriteRefresh(dir, a.Val, base); v != a.Val {
						attrs[i].Val, changed = v, true
					}
				}
			}
		}
		if load {
			attrs = append(attrs, html.Attribute{Key: RootAttr, Val: rootFrom(dir)})
		}
		if !changed {
			out.Write(raw)
			continue
		}
		out.WriteByte('<')
		out.WriteString(tok.Data)
		for _, a := range attrs {
			out.WriteByte(' ')
			out.WriteString(a.Key)
			if a.Val == "" && booleanAttrs[a.Key] {
				continue
			}
			out.WriteString(`="`)
			out.WriteString(html.EscapeString(a.Val))
			out.WriteByte('"')
		}
		if tt == html.SelfClosingTagToken {
			out.WriteString("/>")
		} else {
			out.WriteByte('>')
		}
	}
	return out.Bytes()
}

// booleanAttrs are written without a value when they have none.
var booleanAttrs = map[string]bool{"async": true, "defer": true, "hidden": true, "open": true, "checked": true,
	"disabled": true, "selected": true, "required": true, "readonly": true, "multiple": true, "download": true, "nomodule": true}

// voidElements have no end tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// rootFrom is the relative path from folder dir ("guide/x/") to the root.
func rootFrom(dir string) string {
	if dir == "" {
		return "./"
	}
	return strings.Repeat("../", strings.Count(dir, "/"))
}

// Link returns u, found in a file in folder dir ("guide/x/", "" at the
// root), as a link that works between files: a site path under base or a
// relative reference becomes a path relative to dir, with "index.html"
// added where it names a folder; the query and fragment are kept. Other
// URLs (with a scheme, "//host", fragments only, paths outside the site)
// are returned as they are.
func Link(dir, u, base string) string {
	if u == "" || u[0] == '#' || strings.HasPrefix(u, "//") || hasScheme(u) {
		return u
	}
	p, rest := u, ""
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		p, rest = u[:i], u[i:]
	}
	var site string
	if strings.HasPrefix(p, "/") {
		if !strings.HasPrefix(p+"/", base) {
			return u
		}
		if len(p) >= len(base) {
			site = p[len(base):]
		}
	} else {
		if p == "" { // "?q=x": the page itself
			return u
		}
		joined := path.Join("/"+dir, p)
		if strings.HasSuffix(p, "/") || p == "." || p == ".." || strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..") {
			joined += "/"
		}
		site = strings.TrimPrefix(joined, "/")
		if site == "/" {
			site = ""
		}
	}
	if site == "" || strings.HasSuffix(site, "/") {
		site += "index.html"
	}
	return relative(dir, site) + rest
}

// relative is the path from folder dir to file target, both from the root.
func relative(dir, target string) string {
	ds := strings.Split(strings.TrimSuffix(dir, "/"), "/")
	if dir == "" {
		ds = nil
	}
	ts := strings.Split(target, "/")
	i := 0
	for i < len(ds) && i < len(ts)-1 && ds[i] == ts[i] {
		i++
	}
	return strings.Repeat("../", len(ds)-i) + strings.Join(ts[i:], "/")
}

func hasScheme(u string) bool {
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c == ':':
			return i > 0
		case c == '/' || c == '?' || c == '#':
			return false
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return false
}

func rewriteSrcset(dir, v, base string) string {
	parts := strings.Split(v, ",")
	for i, c := range parts {
		f := strings.Fields(c)
		if len(f) == 0 {
			continue
		}
		f[0] = Link(dir, f[0], base)
		parts[i] = strings.Join(f, " ")
	}
	return strings.Join(parts, ", ")
}

// rewriteRefresh rewrites the URL of a meta refresh ("0; url=/new/").
func rewriteRefresh(dir, v, base string) string {
	i := strings.Index(strings.ToLower(v), "url=")
	if i < 0 {
		return v
	}
	u := strings.Trim(strings.TrimSpace(v[i+4:]), `'"`)
	return v[:i+4] + Link(dir, u, base)
}
