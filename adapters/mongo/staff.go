package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/service"
)

// Staff and their invites are stored inside the provider's document.

type staffDoc struct {
	UserID    string        `bson:"userId"`
	Role      string        `bson:"role"`
	JoinedAt  time.Time     `bson:"joinedAt"`
	Caregiver *caregiverDoc `bson:"caregiver,omitempty"`
	// The ratings of this caregiver's visits for the provider.
	RatingSum   int64 `bson:"ratingSum,omitempty"`
	RatingCount int64 `bson:"ratingCount,omitempty"`
}

type caregiverDoc struct {
	Certificates []certificateDoc `bson:"certificates"`
	Skills       []string         `bson:"skills"`
	Gender       string           `bson:"gender"`
	Languages    []string         `bson:"languages"`
	HomeBase     pointDoc         `bson:"homeBase"`
	WeeklyHours  []openingHourDoc `bson:"weeklyHours"`
	Active       bool             `bson:"active"`
}

type certificateDoc struct {
	Kind      string `bson:"kind"`
	Number    string `bson:"number"`
	Issuer    string `bson:"issuer"`
	ExpiresOn string `bson:"expiresOn"` // YYYY-MM-DD
}

type staffInviteDoc struct {
	Phone     string    `bson:"phone"`
	Role      string    `bson:"role"`
	InvitedBy string    `bson:"invitedBy"`
	CreatedAt time.Time `bson:"createdAt"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

func toStaffDocs(staff []provider.Staff) []staffDoc {
	out := make([]staffDoc, len(staff))
	for i, s := range staff {
		out[i] = staffDoc{UserID: s.UserID, Role: string(s.Role), JoinedAt: s.JoinedAt,
			RatingSum: s.Ratings.Sum, RatingCount: s.Ratings.Count}
		if c := s.Caregiver; c != nil {
			cd := &caregiverDoc{Gender: c.Gender, Languages: stringList(c.Languages), Active: c.Active,
				HomeBase:     pointDoc{Lat: c.HomeBase.Lat, Lng: c.HomeBase.Lng},
				Certificates: make([]certificateDoc, len(c.Certificates)), Skills: make([]string, len(c.Skills)),
				WeeklyHours: make([]openingHourDoc, len(c.WeeklyHours))}
			for j, cert := range c.Certificates {
				cd.Certificates[j] = certificateDoc{Kind: string(cert.Kind), Number: cert.Number, Issuer: cert.Issuer,
					ExpiresOn: cert.ExpiresOn.String()}
			}
			for j, t := range c.Skills {
				cd.Skills[j] = string(t)
			}
			for j, h := range c.WeeklyHours {
				cd.WeeklyHours[j] = openingHourDoc{Weekday: h.Weekday, Open: h.Open, Close: h.Close}
			}
			out[i].Caregiver = cd
		}
	}
	return out
}

func staffFromDocs(docs []staffDoc) []provider.Staff {
	out := make([]provider.Staff, len(docs))
	for i, d := range docs {
		out[i] = provider.Staff{UserID: d.UserID, Role: provider.StaffRole(d.Role), JoinedAt: d.JoinedAt.UTC(),
			Ratings: provider.Tally{Sum: d.RatingSum, Count: d.RatingCount}}
		if cd := d.Caregiver; cd != nil {
			c := &provider.Caregiver{Gender: cd.Gender, Languages: typedList[string](cd.Languages), Active: cd.Active,
				HomeBase:     geo.Point{Lat: cd.HomeBase.Lat, Lng: cd.HomeBase.Lng},
				Certificates: make([]provider.Certificate, len(cd.Certificates)), Skills: make([]service.Type, len(cd.Skills)),
				WeeklyHours: make([]provider.Hours, len(cd.WeeklyHours))}
			for j, cert := range cd.Certificates {
				on, _ := calendar.ParseDate(cert.ExpiresOn) // written by toStaffDocs from a valid date
				c.Certificates[j] = provider.Certificate{Kind: provider.CertificateKind(cert.Kind), Number: cert.Number,
					Issuer: cert.Issuer, ExpiresOn: on}
			}
			for j, t := range cd.Skills {
				c.Skills[j] = service.Type(t)
			}
			for j, h := range cd.WeeklyHours {
				c.WeeklyHours[j] = provider.Hours{Weekday: h.Weekday, Open: h.Open, Close: h.Close}
			}
			out[i].Caregiver = c
		}
	}
	return out
}

func toStaffInviteDocs(invs []provider.StaffInvite) []staffInviteDoc {
	out := make([]staffInviteDoc, len(invs))
	for i, inv := range invs {
		out[i] = staffInviteDoc{Phone: inv.Phone.String(), Role: string(inv.Role), InvitedBy: inv.InvitedBy,
			CreatedAt: inv.CreatedAt, ExpiresAt: inv.ExpiresAt}
	}
	return out
}

func staffInvitesFromDocs(docs []staffInviteDoc) []provider.StaffInvite {
	out := make([]provider.StaffInvite, len(docs))
	for i, d := range docs {
		out[i] = provider.StaffInvite{Phone: identity.Phone(d.Phone), Role: provider.StaffRole(d.Role),
			InvitedBy: d.InvitedBy, CreatedAt: d.CreatedAt.UTC(), ExpiresAt: d.ExpiresAt.UTC()}
	}
	return out
}

// ListInvitingPhone returns providers with a staff invite for phone; the
// caller keeps the live ones.
func (r *Providers) ListInvitingPhone(ctx context.Context, phone identity.Phone, _ time.Time) ([]*provider.Provider, error) {
	// FerretDB 1.24 has no $elemMatch: match the phone here and leave the
	// expiry to the caller, which checks each invite anyway.
	cur, err := r.coll.Find(ctx, bson.D{{Key: "staffInvites.phone", Value: phone.String()}},
		options.Find().SetLimit(maxProvidersListed))
	if err != nil {
		return nil, fmt.Errorf("mongo: find staff invites: %w", err)
	}
	var docs []providerDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongo: read staff invites: %w", err)
	}
	out := make([]*provider.Provider, len(docs))
	for i, d := range docs {
		out[i] = d.provider()
	}
	return out, nil
}

// ListByStaff returns the providers userID works for.
func (r *Providers) ListByStaff(ctx context.Context, userID string) ([]*provider.Provider, error) {
	cur, err := r.coll.Find(ctx, bson.D{{Key: "staff.userId", Value: userID}}, options.Find().SetLimit(maxProvidersListed))
	if err != nil {
		return nil, fmt.Errorf("mongo: find providers by staff: %w", err)
	}
	var docs []providerDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongo: read providers by staff: %w", err)
	}
	out := make([]*provider.Provider, len(docs))
	for i, d := range docs {
		out[i] = d.provider()
	}
	return out, nil
}
