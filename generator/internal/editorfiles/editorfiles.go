// Package editorfiles recognises files that belong to editors and tools
// rather than to a site: hidden files and folders (.git, .#lock), backups
// (name~), swap files (.swp, .swx), vim's write test file 4913, emacs
// autosaves (#name#), JetBrains' safe-write files, and downloads or copies
// in progress. The build leaves them out and the preview's watcher ignores
// them, by the same rule.
package editorfiles

import "strings"

// Temporary reports whether a file or folder name is an editor's or a
// tool's, not the site's.
func Temporary(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") || strings.HasSuffix(name, "~") {
		return true
	}
	for _, suf := range []string{".swp", ".swx", ".swo", ".swn", ".tmp", ".kate-swp", "___jb_tmp___", "___jb_old___", ".crdownload", ".part"} {
		if strings.HasSuffix(name, suf) {
			return true
		}
	}
	return name == "4913"
}
