using System.Globalization;
using Dfa.Core;
using Dfa.Core.Yaml;
using Dfa.Sim.Cost;
using Dfa.Sim.Workloads;

namespace Dfa.Sim.Profiles;

public static partial class ProfileLoader
{
    private const int MaxValidationEntries = 64;

    /// <summary>The most multiply-adds a projection entry may describe (error_size × layer_size × batch): 2⁵³, the largest count a double holds exactly.</summary>
    private const double MaxProjectionMultiplyAdds = 9007199254740992;

    private static readonly string[] ValidationKeys =
    [
        "name", "quantity", "value", "source", "workload", "outputs", "batch", "precision", "method", "backend", "optimizer",
        "error_size", "layer_size", "calibrates", "bound", "note",
    ];

    private static readonly Dictionary<string, ValidationQuantity> Quantities = new()
    {
        ["samples_per_s"] = ValidationQuantity.SamplesPerS,
        ["inferences_per_s"] = ValidationQuantity.InferencesPerS,
        ["energy_per_inference_j"] = ValidationQuantity.EnergyPerInferenceJ,
        ["projection_ops_per_s"] = ValidationQuantity.ProjectionOpsPerS,
        ["projection_ops_per_j"] = ValidationQuantity.ProjectionOpsPerJ,
    };

    /// <summary>The name a validation quantity is written as (<c>samples_per_s</c>).</summary>
    public static string QuantityName(ValidationQuantity quantity) => Quantities.First(q => q.Value == quantity).Key;

    /// <summary>
    /// <c>validation:</c>, a list of published figures (schema in <c>hardware-profiles/README.md</c>): each a mapping of
    /// <see cref="ValidationKeys"/>, checked against the profile's own fields (a precision it has a rate for, a field it
    /// calibrates) and the workload catalog; at most one entry calibrates.
    /// </summary>
    private static List<ValidationEntry> ReadValidation(YNode node, List<ProfileField> fields)
    {
        if (node is not YSequence seq)
        {
            throw node.Error($"'validation' must be a list of published figures (name, quantity, value, source, ...), got {node.KindName}");
        }

        if (seq.Items.Count > MaxValidationEntries)
        {
            throw node.Error($"'validation' lists {seq.Items.Count} entries; the limit is {MaxValidationEntries}");
        }

        var entries = new List<ValidationEntry>();
        for (int i = 0; i < seq.Items.Count; i++)
        {
            if (seq.Items[i] is not YMapping map)
            {
                throw seq.Items[i].Error($"'validation[{i}]' must be a mapping (name, quantity, value, source, ...), got {seq.Items[i].KindName}");
            }

            ValidationEntry entry = ReadEntry(map, i, fields);
            if (entries.FindIndex(e => e.Name == entry.Name) is var twice and >= 0)
            {
                throw map.Find("name")!.Error($"validation entry name '{entry.Name}' is used twice (also validation[{twice}])");
            }

            if (entry.IsCalibration && entries.FirstOrDefault(e => e.IsCalibration) is { } other)
            {
                throw map.Find("calibrates")!.Error(
                    $"'{entry.Name}' calibrates {entry.Calibrates}, but '{other.Name}' already calibrates {other.Calibrates}: a profile is calibrated on at most one published figure");
            }

            entries.Add(entry);
        }

        return entries;
    }

    private static ValidationEntry ReadEntry(YMapping map, int index, List<ProfileField> fields)
    {
        string path = $"validation[{index}]";
        foreach (var (key, _) in map.Entries)
        {
            if (!ValidationKeys.Contains(key.Value))
            {
                throw key.Error($"unknown key '{key.Shown}' in '{path}'{Suggest.DidYouMean(key.Value, ValidationKeys)}");
            }
        }

        string name = RequiredString(map, "name", $" in '{path}'", out YNode nameNode);
        if (!NamePattern().IsMatch(name))
        {
            throw nameNode.Error($"validation entry name '{((YScalar)nameNode).Shown}' must be 1 to 64 lower-case letters, digits and '-'");
        }

        path = $"validation[{name}]";
        string quantityText = RequiredString(map, "quantity", $" in '{path}' ({string.Join(", ", Quantities.Keys)})", out YNode quantityNode);
        if (!Quantities.TryGetValue(quantityText, out ValidationQuantity quantity))
        {
            throw quantityNode.Error($"unknown quantity '{((YScalar)quantityNode).Shown}'{Suggest.DidYouMean(quantityText, Quantities.Keys)} (quantities: {string.Join(", ", Quantities.Keys)})");
        }

        double value = PositiveNumber(map, "value", path, required: true)!.Value;
        string source = RequiredString(map, "source", $" in '{path}': where the figure was published (a SOURCES.md tag, table or page)");
        bool projection = quantity is ValidationQuantity.ProjectionOpsPerS or ValidationQuantity.ProjectionOpsPerJ;
        bool training = quantity == ValidationQuantity.SamplesPerS;
        int batch = WholeNumber(map, "batch", path, required: true)!.Value;

        string? workload = null;
        int outputs = 0, errorSize = 0, layerSize = 0;
        if (projection)
        {
            NotAllowed(map, path, quantityText, "workload", "outputs", "method", "optimizer", "precision");
            errorSize = WholeNumber(map, "error_size", path, required: true)!.Value;
            layerSize = WholeNumber(map, "layer_size", path, required: true)!.Value;
            if ((double)errorSize * layerSize * batch > MaxProjectionMultiplyAdds)
            {
                throw map.Error(FormattableString.Invariant(
                    $"'{path}': error_size × layer_size × batch is {(double)errorSize * layerSize * batch:G3} multiply-adds; the limit is 2^53 ({MaxProjectionMultiplyAdds:G3}), the largest count a double holds exactly"));
            }

            _ = RequiredString(map, "backend", $" in '{path}': the feedback backend that runs the projection");
        }
        else
        {
            NotAllowed(map, path, quantityText, "error_size", "layer_size");
            workload = RequiredString(map, "workload", $" in '{path}' ({string.Join(", ", WorkloadCatalog.Names)})", out YNode workloadNode);
            outputs = WholeNumber(map, "outputs", path, required: true)!.Value;
            try
            {
                _ = WorkloadCatalog.Create(workload, outputs);
            }
            catch (DfaInputException ex)
            {
                throw workloadNode.Error(ex.Message);
            }
        }

        string precision = OptionalString(map, "precision") ?? "fp32";
        if (map.Find("precision") is { } precisionNode)
        {
            Precision p;
            try
            {
                p = Precisions.Parse(precision);
            }
            catch (DfaInputException ex)
            {
                throw precisionNode.Error(ex.Message);
            }

            if (p != Precision.Fp32 && fields.All(f => f.Path != Precisions.RateField(p)))
            {
                throw precisionNode.Error($"'{path}' is priced in {precision}, but the profile has no {Precisions.RateField(p)}");
            }
        }

        string method = OptionalString(map, "method") ?? "bp";
        if (map.Find("method") is { } methodNode && (!training || method is not ("bp" or "dfa")))
        {
            throw methodNode.Error(training
                ? $"'{path}' method must be bp or dfa, got '{method}'"
                : $"'{path}' has no method: a {quantityText} entry prices {(projection ? "a projection" : "a forward pass")}");
        }

        string? backend = OptionalString(map, "backend");
        if (training && method == "dfa" && backend is null)
        {
            throw map.Error($"'{path}' trains with dfa: name its feedback backend ('backend: dense')");
        }

        string optimizer = OptionalString(map, "optimizer") ?? "sgd";
        if (map.Find("optimizer") is { } optimizerNode && (!training || optimizer is not ("sgd" or "adam")))
        {
            throw optimizerNode.Error(training ? $"'{path}' optimizer must be sgd or adam, got '{optimizer}'" : $"'{path}' trains nothing: no optimizer");
        }

        string? calibrates = OptionalString(map, "calibrates");
        if (calibrates is not null && fields.All(f => f.Path != calibrates))
        {
            throw map.Find("calibrates")!.Error($"'{path}' calibrates '{calibrates}', which is not a field of this profile");
        }

        double? bound = PositiveNumber(map, "bound", path, required: false);
        if (bound is not null && calibrates is not null)
        {
            throw map.Find("bound")!.Error($"'{path}' calibrates {calibrates}: its error is 0 by construction, so it takes no bound");
        }

        YNode where = map;
        return new ValidationEntry
        {
            Name = name,
            Quantity = quantity,
            Value = value,
            Source = source.Trim(),
            Workload = workload,
            Outputs = outputs,
            Batch = batch,
            Precision = precision,
            Method = method,
            Backend = backend,
            Optimizer = optimizer,
            ErrorSize = errorSize,
            LayerSize = layerSize,
            Calibrates = calibrates,
            Bound = bound,
            Note = OptionalString(map, "note"),
            Location = FormattableString.Invariant($"{where.Source.Name}:{where.Line}:{where.Column}"),
        };
    }

    private static void NotAllowed(YMapping map, string path, string quantity, params string[] keys)
    {
        foreach (string key in keys)
        {
            if (map.IndexOf(key) is var i and >= 0)
            {
                throw map.Entries[i].Key.Error($"'{path}': a {quantity} entry takes no '{key}'");
            }
        }
    }

    private static string? OptionalString(YMapping map, string key) =>
        map.Find(key) is { } node
            ? node is YScalar { IsNull: false } s && s.Value.Trim().Length > 0 ? s.Value.Trim() : throw node.Error($"'{key}' must be a non-empty text, got {node.KindName}")
            : null;

    private static int? WholeNumber(YMapping map, string key, string path, bool required)
    {
        YNode? node = map.Find(key);
        if (node is null)
        {
            return required ? throw map.Error($"missing '{key}' in '{path}' (a whole number ≥ 1)") : null;
        }

        return node is YScalar { Plain: true } s && int.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1
            ? v
            : throw node.Error($"'{path}.{key}' must be a whole number ≥ 1, got {node.KindName}");
    }

    private static double? PositiveNumber(YMapping map, string key, string path, bool required)
    {
        YNode? node = map.Find(key);
        if (node is null)
        {
            return required ? throw map.Error($"missing '{key}' in '{path}' (a positive number)") : null;
        }

        return node is YScalar { Plain: true } s && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v > 0
            ? v
            : throw node.Error($"'{path}.{key}' must be a positive plain number, got {node.KindName}");
    }
}
