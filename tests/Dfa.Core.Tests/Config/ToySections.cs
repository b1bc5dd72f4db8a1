using Dfa.Core.Config.Schema;

namespace Dfa.Core.Tests.Config;

/// <summary>
/// Two made-up backend sections, so Core's config tests exercise the section machinery (binding, ranges, the check
/// across keys, the section/backend conflict, rendering) without knowing any real backend.
/// </summary>
internal static class ToySections
{
    public static FeedbackSchema Schema { get; } = new("plain", ["lamp", "plain", "toy"], [ToyOptions.Section, LampOptions.Section]);

    internal sealed record ToyOptions : BackendOptions
    {
        public int Links { get; init; } = 1;

        public int? Rank { get; init; }

        public static BackendSection<ToyOptions> Section { get; } = new(
            "toy",
            new Section<ToyOptions>(
                Keys<ToyOptions>.F("links", o => o.Links, (o, v) => o with { Links = v }, new IntType(1), "links per unit"),
                Keys<ToyOptions>.F("rank", o => o.Rank, (o, v) => o with { Rank = v }, new NullableType<int>(new IntType(1)), "a cap on links")),
            static (o, check) =>
            {
                if (o.Rank is { } rank && o.Links > rank)
                {
                    check.Fail($"feedback.toy.links ({o.Links}) cannot exceed feedback.toy.rank ({rank})", "links", "rank");
                }
            });
    }

    internal sealed record LampOptions : BackendOptions
    {
        public int Bits { get; init; } = 8;

        public double Threshold { get; init; } = 0.1;

        public static BackendSection<LampOptions> Section { get; } = new(
            "lamp",
            new Section<LampOptions>(
                Keys<LampOptions>.F("bits", o => o.Bits, (o, v) => o with { Bits = v }, new IntType(0, 16), "bits"),
                Keys<LampOptions>.F("threshold", o => o.Threshold, (o, v) => o with { Threshold = v }, new DoubleType(0, true, 1, false), "a fraction")));
    }
}
