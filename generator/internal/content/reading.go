package content

// WordsPerMinute is the reading speed behind reading times.
const WordsPerMinute = 200

// ReadingMinutes is the reading time of a text of words words, in whole
// minutes rounded up, at least one: what pages and listings show.
func ReadingMinutes(words int) int {
	return max(1, (words+WordsPerMinute-1)/WordsPerMinute)
}
