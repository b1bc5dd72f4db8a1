namespace Dfa.Sim.Profiles;

/// <summary>
/// The <c>cim:</c> section (kind cim only): matrix–vector products happen inside <c>arrays</c> crossbars of
/// <c>array_rows × array_cols</c> cells; one read pulse does one array's matrix–vector product.
/// </summary>
public sealed record CimSpec
{
    /// <summary><c>array_rows</c>: rows (inputs) per crossbar.</summary>
    public required SourcedValue ArrayRows { get; init; }

    /// <summary><c>array_cols</c>: columns (outputs) per crossbar.</summary>
    public required SourcedValue ArrayCols { get; init; }

    /// <summary><c>arrays</c>: crossbars on the chip.</summary>
    public required SourcedValue Arrays { get; init; }

    /// <summary><c>cell_bits</c>: bits stored per cell.</summary>
    public SourcedValue? CellBits { get; init; }

    /// <summary><c>adc_bits</c>: ADC resolution.</summary>
    public SourcedValue? AdcBits { get; init; }

    /// <summary><c>columns_per_adc</c>: columns multiplexed onto one ADC.</summary>
    public SourcedValue? ColumnsPerAdc { get; init; }

    /// <summary><c>read_pulse_s</c>: duration of one read (one matrix–vector product per array), s.</summary>
    public required SourcedValue ReadPulseS { get; init; }

    /// <summary><c>mac_j</c>: energy per in-array MAC including peripherals (ADC, accumulation), J.</summary>
    public required SourcedValue MacJ { get; init; }

    /// <summary><c>write_j_per_cell</c>: energy to reprogram one cell (a weight update), J.</summary>
    public required SourcedValue WriteJPerCell { get; init; }

    /// <summary><c>write_s_per_row</c>: time to reprogram one row, s.</summary>
    public SourcedValue? WriteSPerRow { get; init; }
}
