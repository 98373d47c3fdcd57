package order

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/moderation"
)

// Rating rules (DOMAIN.md: user ratings are public).
const (
	// RatingWindow: a family rates a visit within 14 days of check-out.
	RatingWindow = 14 * 24 * time.Hour
	// MaxRatingText bounds the comment, in characters.
	MaxRatingText = 500
	// MaxRatingTags bounds how many tags one rating gives.
	MaxRatingTags = 6
	// LowRating and below asks the family whether to complain.
	LowRating = 2
)

// Tag is one word a family may pick to say what went well or wrong. The
// set is fixed so that tags can be counted and translated; the names are
// part of the API.
type Tag string

const (
	TagOnTime      Tag = "on_time"
	TagKind        Tag = "kind"
	TagPatient     Tag = "patient"
	TagSkilled     Tag = "skilled"
	TagThorough    Tag = "thorough"
	TagClean       Tag = "clean"
	TagRespectful  Tag = "respectful"
	TagLate        Tag = "late"
	TagRushed      Tag = "rushed"
	TagRude        Tag = "rude"
	TagCareless    Tag = "careless"
	TagUntidy      Tag = "untidy"
	TagUnqualified Tag = "unqualified"
)

// Tags lists every tag, praise first.
var Tags = []Tag{TagOnTime, TagKind, TagPatient, TagSkilled, TagThorough, TagClean, TagRespectful,
	TagLate, TagRushed, TagRude, TagCareless, TagUntidy, TagUnqualified}

// RatingInput is what a family says about a visit.
type RatingInput struct {
	Stars int
	Tags  []Tag
	Text  string
}

// Rating is a family's verdict on a completed visit: given once, by a
// family member, kept on the order.
type Rating struct {
	Stars int
	Tags  []Tag
	Text  string
	By    string
	At    time.Time
}

// Low reports whether the family was unhappy enough to be asked whether
// to complain.
func (r Rating) Low() bool { return r.Stars <= LowRating }

var (
	// ErrAlreadyRated: an order is rated once.
	ErrAlreadyRated = fault.New(fault.Conflict, "order_already_rated")
	// ErrNotRateable: only a visit that happened (checked out) is rated.
	ErrNotRateable = fault.New(fault.Conflict, "order_not_rateable")
	// ErrRatingClosed: the 14 days after check-out are over; params carry
	// closedAt.
	ErrRatingClosed = fault.New(fault.Conflict, "rating_window_closed")
	// ErrRatingInvalid names every bad field of a rating.
	ErrRatingInvalid = fault.New(fault.Unprocessable, "rating_invalid")
)

// Rate records the family's rating of a completed visit and announces it
// to the provider and the caregiver; a low rating also asks the family
// member who gave it whether to open a complaint. The status does not
// change: a rating follows the visit, it does not move the order.
func (o *Order) Rate(by Actor, in RatingInput, eventID string, now time.Time) (Rating, error) {
	if eventID == "" || now.IsZero() {
		return Rating{}, errEventID
	}
	if !by.valid() || by.Party != PartyFamily {
		return Rating{}, ErrForbidden.With(map[string]any{"action": "rate"})
	}
	r, err := in.validate()
	if err != nil {
		return Rating{}, err
	}
	if o.rating != nil {
		return Rating{}, ErrAlreadyRated
	}
	if (o.status != StatusCompleted && o.status != StatusConfirmed) || o.checkOut == nil {
		return Rating{}, ErrNotRateable.With(map[string]any{"status": string(o.status)})
	}
	if closes := o.RatingClosesAt(); !now.Before(closes) {
		return Rating{}, ErrRatingClosed.With(map[string]any{"closedAt": closes.UTC().Format(time.RFC3339)})
	}
	r.By, r.At = by.UserID, now.UTC()
	o.rating = &r
	tags := make([]string, len(r.Tags))
	for i, t := range r.Tags {
		tags[i] = string(t)
	}
	data := map[string]string{"stars": strconv.Itoa(r.Stars), "tags": strings.Join(tags, ","), "ratedBy": r.By}
	o.announce(eventID, EventRated, now, data)
	if r.Low() {
		// The same id would be refused by the relay as a duplicate; a
		// derived one stays unique and stable across retries of this write.
		o.announce(eventID+".complaint", EventComplaintSuggested, now, data)
	}
	return r, nil
}

// Rating is the family's rating, if given.
func (o *Order) Rating() (Rating, bool) {
	if o.rating == nil {
		return Rating{}, false
	}
	return o.rating.clone(), true
}

// RatingClosesAt is when the order can no longer be rated; zero before
// check-out.
func (o *Order) RatingClosesAt() time.Time {
	if o.checkOut == nil {
		return time.Time{}
	}
	return o.checkOut.ServerTime.Add(RatingWindow)
}

// validate checks stars, tags and text and returns the rating as kept:
// text trimmed, tags in the canonical order.
func (in RatingInput) validate() (Rating, error) {
	v := validator{}
	if in.Stars < 1 || in.Stars > 5 {
		v.add("/stars", "range")
	}
	if len(in.Tags) > MaxRatingTags {
		v.add("/tags", "maxItems")
	}
	for i, t := range in.Tags {
		switch {
		case !slices.Contains(Tags, t):
			v.add("/tags/"+strconv.Itoa(i), "enum")
		case slices.Index(in.Tags, t) != i:
			v.add("/tags/"+strconv.Itoa(i), "duplicate")
		}
	}
	text := v.notes("/text", in.Text, MaxRatingText)
	for _, p := range moderation.Problems(text) {
		v.add("/text", p)
	}
	if err := v.err(ErrRatingInvalid); err != nil {
		return Rating{}, err
	}
	tags := slices.Clone(in.Tags)
	slices.SortFunc(tags, func(a, b Tag) int { return slices.Index(Tags, a) - slices.Index(Tags, b) })
	return Rating{Stars: in.Stars, Tags: tags, Text: text}, nil
}

func (r Rating) clone() Rating {
	r.Tags = slices.Clone(r.Tags)
	return r
}
