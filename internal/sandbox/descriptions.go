package sandbox

import (
	"context"
	"maps"
	"strings"
)

// The bot's description (shown in an empty chat with the bot) and short
// description (its profile page, and shared links), per language.

// Telegram's limits, in characters.
const (
	maxDescription      = 512
	maxShortDescription = 120
)

// BotDescription is getMyDescription's result.
type BotDescription struct {
	Description string `json:"description"`
}

// BotShortDescription is getMyShortDescription's result.
type BotShortDescription struct {
	ShortDescription string `json:"short_description"`
}

// descriptionLang reads the optional language_code of the description
// methods: empty, or two lower-case letters.
func descriptionLang(p params) (string, *apiError) {
	lang := p.str("language_code")
	if lang != "" && (len(lang) != 2 || strings.ToLower(lang) != lang) {
		return "", badRequest("invalid language code specified")
	}
	return lang, nil
}

// setText stores text for lang in one of the description maps; empty text
// removes the language's own.
func (s *Server) setText(p params, field string, limit int, pick func(*state) map[string]string) (any, *apiError) {
	text := p.str(field)
	if len([]rune(text)) > limit {
		return nil, badRequest("%s is too long", strings.ReplaceAll(field, "_", " "))
	}
	lang, aerr := descriptionLang(p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := pick(s.st)
	if text == "" {
		delete(m, lang)
	} else {
		m[lang] = text
	}
	s.notifyLocked()
	return true, nil
}

// shownText is what a user of lang sees: their language's own text, else
// the one set without a language.
func shownText(m map[string]string, lang string) string {
	if t, ok := m[lang]; ok {
		return t
	}
	return m[""]
}

func descriptionsOf(st *state) map[string]string      { return st.descriptions }
func shortDescriptionsOf(st *state) map[string]string { return st.shortDescriptions }

func (s *Server) setMyDescription(_ context.Context, c *call) (any, *apiError) {
	return s.setText(c.p, "description", maxDescription, descriptionsOf)
}

func (s *Server) setMyShortDescription(_ context.Context, c *call) (any, *apiError) {
	return s.setText(c.p, "short_description", maxShortDescription, shortDescriptionsOf)
}

func (s *Server) getMyDescription(_ context.Context, c *call) (any, *apiError) {
	lang, aerr := descriptionLang(c.p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return BotDescription{Description: shownText(s.st.descriptions, lang)}, nil
}

func (s *Server) getMyShortDescription(_ context.Context, c *call) (any, *apiError) {
	lang, aerr := descriptionLang(c.p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return BotShortDescription{ShortDescription: shownText(s.st.shortDescriptions, lang)}, nil
}

// Descriptions returns the descriptions the bot set, by language_code (""
// for the one without a language).
func (s *Server) Descriptions() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.st.descriptions)
}

// ShortDescriptions returns the short descriptions the bot set, by
// language_code.
func (s *Server) ShortDescriptions() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.st.shortDescriptions)
}
