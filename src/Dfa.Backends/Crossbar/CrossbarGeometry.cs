using Dfa.Core.Feedback;

namespace Dfa.Backends.Crossbar;

/// <summary>
/// How the <c>B_l</c> are laid out on arrays: each layer's e × n_l matrix on its own grid of
/// <c>T_r = ⌈e/R⌉ × T_c,l = ⌈n_l/(C/2)⌉</c> tiles of R × C cells (two cells per weight), and the counted work that
/// follows from that layout alone. Shared by <see cref="CrossbarBackend.Predict"/> and <see cref="CrossbarProjector"/>.
/// </summary>
internal sealed record CrossbarGeometry(FeedbackShape Shape, CrossbarOptions Options)
{
    /// <summary><c>T_r = ⌈e/R⌉</c>: row tiles (the same for every layer).</summary>
    public int RowTiles => (int)((Shape.ErrorSize + (long)Options.TileRows - 1) / Options.TileRows);

    /// <summary><c>T_c,l = ⌈n_l/(C/2)⌉</c>.</summary>
    public long ColTiles(int layer) => (Shape.LayerSizes[layer] + (long)Options.WeightsPerTileRow - 1) / Options.WeightsPerTileRow;

    /// <summary><c>Σ_l T_r·T_c,l</c>: arrays the matrices occupy.</summary>
    public long Tiles => Enumerable.Range(0, Shape.LayerSizes.Count).Sum(l => RowTiles * ColTiles(l));

    /// <summary><c>Σ_l T_c,l</c>.</summary>
    public long ColTilesTotal => Enumerable.Range(0, Shape.LayerSizes.Count).Sum(ColTiles);

    /// <summary>Why B does not fit the chip's <c>arrays</c>, or null.</summary>
    public string? Infeasible => Options.Arrays > 0 && Tiles > Options.Arrays
        ? $"B needs {Tiles} arrays of {Options.TileRows}×{Options.TileCols}, the chip has {Options.Arrays}"
        : null;

    /// <summary>Cells holding weights: <c>2·e·Σn_l</c>.</summary>
    public long Cells => checked(2L * Shape.ErrorSize * Shape.TotalLayerSize);

    /// <summary>
    /// Storage: no digital matrix (0 weight bits), the cells named in the layout, and as calibration the per-tile
    /// weight scales (float32) plus, with drift compensation, each tile's reference read (float32).
    /// </summary>
    public FeedbackStorage Storage()
    {
        string levels = Options.Levels == 0 ? "continuous levels" : $"{Options.Levels} levels per cell";
        string layout = $"{Options.Name} crossbar: G⁺ − G⁻ pairs, {Cells} cells in {Tiles} arrays of {Options.TileRows}×{Options.TileCols}, {levels}, 0 B digital matrix";
        return new FeedbackStorage(layout, 0, 0, 0, checked(Tiles * (Options.DriftCompensation ? 8 : 4)));
    }

    /// <summary>
    /// One read of every array with an all-ones input (drift compensation), as <paramref name="into"/> counts it: the
    /// activations, cell reads and conversions, and one add per ADC output into its tile's sum.
    /// </summary>
    public void AddCalibrationRead(ActionCounts into)
    {
        long e = Shape.ErrorSize;
        long n = Shape.TotalLayerSize;
        into.Add(HardwareAction.ArrayActivations, Tiles);
        into.Add(HardwareAction.AnalogCellReads, checked(2 * e * n));
        into.Add(HardwareAction.DacConversions, checked(e * ColTilesTotal));
        into.Add(HardwareAction.AdcConversions, checked(RowTiles * n));
        into.Add(HardwareAction.Fp32Add, checked(RowTiles * n));
    }

    /// <summary>The work of one projection of <paramref name="batch"/> samples (see <see cref="CrossbarProjector"/>).</summary>
    public ActionCounts PerProjection(int batch)
    {
        long b = batch;
        long e = Shape.ErrorSize;
        long n = Shape.TotalLayerSize;
        var c = new ActionCounts();
        c.Add(HardwareAction.Fp32Compare, checked(b * e));
        c.Add(HardwareAction.Fp32Multiply, checked(b + (b * e) + (b * RowTiles * n) + (b * n) + (Options.DriftCompensation ? 2 * Tiles : 0)));
        c.Add(HardwareAction.ErrorBytesRead, checked(4 * b * e));
        c.Add(HardwareAction.ArrayActivations, checked(b * Tiles));
        c.Add(HardwareAction.AnalogCellReads, checked(2 * b * e * n));
        c.Add(HardwareAction.DacConversions, checked(b * e * ColTilesTotal));
        c.Add(HardwareAction.AdcConversions, checked(b * RowTiles * n));
        c.Add(HardwareAction.Fp32Add, checked(b * RowTiles * n));
        c.Add(HardwareAction.SignalBytesWritten, checked(4 * b * n));
        if (Options.DriftCompensation)
        {
            AddCalibrationRead(c);
        }

        return c;
    }

    /// <summary>Programming every cell, mapping (a max and a divide per weight) and, with compensation, the reference read.</summary>
    public ActionCounts Setup()
    {
        long weights = checked((long)Shape.ErrorSize * Shape.TotalLayerSize);
        var c = new ActionCounts();
        c.Add(HardwareAction.CellsProgrammed, Cells);
        c.Add(HardwareAction.Fp32Compare, weights);
        c.Add(HardwareAction.Fp32Multiply, weights);
        if (Options.DriftCompensation)
        {
            AddCalibrationRead(c);
        }

        return c;
    }
}
