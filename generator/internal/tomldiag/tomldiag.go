// Package tomldiag decodes TOML (config.toml and TOML front matter) and
// turns go-toml's errors into diagnostics at path:line:col, in the words of a
// site author.
package tomldiag

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	toml "github.com/pelletier/go-toml/v2"

	"vepkb/generator/internal/diag"
)

// Error converts a go-toml error into a diagnostic. lineOffset is added
// to reported lines (for TOML front matter inside a Markdown file).
func Error(path string, data []byte, err error, lineOffset int) error {
	var sme *toml.StrictMissingError
	if errors.As(err, &sme) {
		var list diag.List
		for _, e := range sme.Errors {
			row, col := e.Position()
			key := strings.Join(e.Key(), ".")
			list.Add(diag.New(path, row+lineOffset, col, "unknown key %q", key))
		}
		return list.Err()
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		msg := friendlyTOML(de.Error())
		if k := de.Key(); len(k) > 0 {
			msg = strings.Join(k, ".") + ": " + msg
		}
		return diag.New(path, row+lineOffset, col, "%s", msg)
	}
	// Type mismatches from go-toml carry no position; find the key.
	msg := friendlyTOML(err.Error())
	line, col := 0, 0
	if i := strings.Index(msg, "struct field "); i >= 0 {
		rest := msg[i+len("struct field "):]
		if j := strings.IndexByte(rest, ' '); j > 0 {
			field := rest[:j]
			if k := strings.LastIndexByte(field, '.'); k >= 0 {
				field = field[k+1:]
			}
			line, col = KeyPosition(data, lowerFirst(field))
		}
	}
	if line > 0 {
		line += lineOffset
	}
	return diag.New(path, line, col, "%s", msg)
}

var tomlTypeErr = regexp.MustCompile(`cannot decode TOML (\w+) into struct field \S+ of type (\S+)`)

// friendlyTOML rewrites go-toml's messages in the words of a site author.
func friendlyTOML(msg string) string {
	msg = strings.TrimPrefix(msg, "toml: ")
	if m := tomlTypeErr.FindStringSubmatch(msg); m != nil {
		want := strings.TrimPrefix(m[2], "*")
		switch {
		case want == "bool":
			want = "true or false"
		case strings.HasPrefix(want, "int"):
			want = "an integer"
		case want == "string":
			want = "a string"
		case strings.HasPrefix(want, "[]"):
			want = "an array"
		case strings.HasPrefix(want, "map"), strings.HasPrefix(want, "config."): // a table of config.toml, such as config.Markup
			want = "a table"
		}
		return fmt.Sprintf("expected %s, got a TOML %s", want, m[1])
	}
	return msg
}

// lowerFirst lower-cases the first letter of a Go field name ("BaseURL" →
// "baseURL"), the key it decodes. The fields of package config are all
// named in ASCII.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// KeyPosition finds the line and column of the first assignment to key in
// TOML text ("key = …"), or 0, 0.
func KeyPosition(data []byte, key string) (int, int) {
	for i, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimLeft(line, " \t")
		if !strings.HasPrefix(strings.ToLower(trimmed), strings.ToLower(key)) {
			continue
		}
		rest := strings.TrimLeft(trimmed[len(key):], " \t")
		if strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, ":") {
			return i + 1, len(line) - len(trimmed) + 1
		}
	}
	return 0, 0
}

// Decode decodes a TOML document into a generic map, reporting errors at
// path with lineOffset added to line numbers.
func Decode(path string, data []byte, lineOffset int) (map[string]any, error) {
	m := map[string]any{}
	if err := toml.Unmarshal(data, &m); err != nil {
		return nil, Error(path, data, err, lineOffset)
	}
	return m, nil
}
