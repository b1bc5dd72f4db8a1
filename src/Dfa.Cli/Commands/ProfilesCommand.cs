using System.CommandLine;
using System.Globalization;
using Dfa.Core;
using Dfa.Runs.Costing;
using Dfa.Runs.Reports;
using Dfa.Sim.Profiles;
using Spectre.Console;

namespace Dfa.Cli.Commands;

/// <summary>
/// <c>dfa profiles [--dir DIR]</c> lists the hardware profiles (name, kind, description, folder);
/// <c>dfa profiles show NAME</c> prints every field with its value, unit and source. The folder is <c>--dir</c>, else
/// <c>$DFA_PROFILES</c>, else the <c>hardware-profiles</c> folder above the working directory or the executable.
/// Every profile listed is fully validated, so a bad one is exit 2 with its <c>file:line:col</c>.
/// </summary>
internal static class ProfilesCommand
{
    public static Command Create(IAnsiConsole console)
    {
        Option<string?> dir = DfaOptions.ProfileDir();
        dir.Recursive = true;
        var name = new Argument<string>("NAME") { Description = "The profile to show (its file name without .yaml)." };
        var show = new Command("show", "Print every field of one profile with its value, unit and source.") { name };
        show.SetAction(parse =>
        {
            HardwareProfile profile = ProfileFolder.Open(parse.GetValue(dir)).Load(parse.GetRequiredValue(name));
            RenderProfile(profile, console);
            return ExitCodes.Success;
        });

        var command = new Command("profiles", "List the hardware profiles the cost model prices work with.") { dir, show };
        command.SetAction(parse =>
        {
            // A broken profile does not hide the good ones: they are listed, then it is named (exit 2).
            ProfileCatalog catalog = ProfileFolder.Open(parse.GetValue(dir));
            var profiles = new List<HardwareProfile>();
            var broken = new List<string>();
            foreach (string n in catalog.Names)
            {
                try
                {
                    profiles.Add(catalog.Load(n));
                }
                catch (DfaInputException ex)
                {
                    broken.Add(ex.Message);
                }
            }

            RenderList(catalog, profiles, console);
            return broken.Count == 0 ? ExitCodes.Success : throw new DfaInputException(string.Join("; ", broken));
        });
        return command;
    }

    private static void RenderList(ProfileCatalog catalog, IReadOnlyList<HardwareProfile> profiles, IAnsiConsole console)
    {
        console.MarkupLine($"folder: {Markup.Escape(catalog.Folder)}");
        var table = new Table().Border(TableBorder.Simple).AddColumn("name").AddColumn("kind").AddColumn("description");
        foreach (HardwareProfile p in profiles)
        {
            table.AddRow(Markup.Escape(p.Name), KindName(p.Kind), Markup.Escape(p.Description));
        }

        console.Write(table);
        console.MarkupLine($"{Units.Count(profiles.Count, "profile")}; 'dfa profiles show NAME' prints one with the source of every number.");
    }

    private static void RenderProfile(HardwareProfile p, IAnsiConsole console)
    {
        console.MarkupLine($"[bold]{Markup.Escape(p.Name)}[/] ({KindName(p.Kind)}, version {p.Version}): {Markup.Escape(p.Description)}");
        console.MarkupLine($"file: {Markup.Escape(p.SourceName)}");
        if (p.Capabilities.Count > 0)
        {
            console.MarkupLine($"capabilities: {string.Join(", ", p.Capabilities.Select(CapabilityName))}");
        }

        console.MarkupLine($"memory levels: {string.Join(", ", p.Memory.Select(m => $"{Markup.Escape(m.Name)} ({(m.OffChip ? "off-chip" : "on-chip")})"))}");
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("field").AddColumn(new TableColumn("value").RightAligned()).AddColumn("unit").AddColumn("source");
        foreach (ProfileField f in p.Fields)
        {
            table.AddRow(Markup.Escape(f.Path), FormatValue(f.Value), Markup.Escape(f.Unit), Markup.Escape(f.Source));
        }

        console.Write(table);
    }

    /// <summary>Whole numbers below 1e12 in full with separators; very large or small ones in e-notation; others as is.</summary>
    internal static string FormatValue(double v)
    {
        double a = Math.Abs(v);
        if (v == Math.Floor(v) && a < 1e12)
        {
            return v.ToString("#,0", CultureInfo.InvariantCulture);
        }

        return a is >= 1e6 or < 1e-3
            ? v.ToString("0.########e+0", CultureInfo.InvariantCulture)
            : v.ToString("0.########", CultureInfo.InvariantCulture);
    }

    private static string KindName(ProfileKind kind) => kind.ToString().ToLowerInvariant();

    private static string CapabilityName(ProfileCapability c) => c switch
    {
        ProfileCapability.FeedbackPrng => "feedback_prng",
        ProfileCapability.FeedbackInMedium => "feedback_in_medium",
        ProfileCapability.AdderOnlyFeedback => "adder_only_feedback",
        _ => c.ToString(),
    };
}
