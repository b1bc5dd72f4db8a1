using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Networks;

namespace Dfa.Sim.Workloads;

public static partial class WorkloadCatalog
{
    /// <summary>The sequence length of the BERT workloads (pre-training phase 1, and the fine-tuning length most tables use).</summary>
    public const int BertSequence = 128;

    /// <summary>Masked positions per sequence the pre-training head predicts (phase 1's <c>max_predictions_per_seq</c>).</summary>
    public const int BertMaskedPositions = 20;

    /// <summary>BERT's WordPiece vocabulary (Devlin et al. 2019; <c>bert-base-uncased</c>).</summary>
    public const int BertVocabulary = 30522;

    private const int BertMaxPositions = 512;
    private const int BertSegments = 2;

    /// <summary>
    /// BERT-base (Devlin et al. 2019, arXiv 1810.04805 §3: L = 12, H = 768, A = 12, FFN 3072) on sequences of
    /// <see cref="BertSequence"/> tokens, with the pooler on the [CLS] token and a classifier onto <c>e</c> outputs
    /// (fine-tuning). See <see cref="Bert"/> for the blocks. Priced only.
    /// </summary>
    public static NetworkSpec BertBase(int outputs) => Bert("bert-base", 12, 768, 12, Classifier(768, outputs));

    /// <summary>BERT-large (L = 24, H = 1024, A = 16, FFN 4096) as <see cref="BertBase"/>. Priced only.</summary>
    public static NetworkSpec BertLarge(int outputs) => Bert("bert-large", 24, 1024, 16, Classifier(1024, outputs));

    /// <summary>
    /// BERT-large as pre-training phase 1 runs it (NVIDIA DeepLearningExamples' PyTorch BERT): the masked-LM head on
    /// the <see cref="BertMaskedPositions"/> masked positions only (a gather, the 1024 → 1024 transform, GELU,
    /// LayerNorm, the decoder onto the vocabulary with the token embedding's weights and its own bias);
    /// <paramref name="vocabulary"/> is the decoder's width (DeepLearningExamples pads 30522 to 30528) and the error is
    /// <c>20 × vocabulary</c> per sequence. The next-sentence head (the pooler, 1024 × 1024 and 1024 × 2 MACs per
    /// sequence, under 0.01 % of the step) is left out. Priced only.
    /// </summary>
    public static NetworkSpec BertLargePretraining(int vocabulary)
    {
        if (vocabulary < 2)
        {
            throw new DfaInputException($"bert-large-pretrain takes the vocabulary size as its outputs (e.g. 30528), got {vocabulary}.");
        }

        const int d = 1024, m = BertMaskedPositions;
        var head = new BlockSpec("mlm",
        [
            LayerSpec.GatherOf("mlm.gather", BertSequence, m, d),
            LayerSpec.TokenLinear("mlm.transform", m, d, d),
            Activation("mlm.gelu", ActivationKind.Gelu, m * d),
            LayerSpec.LayerNormOf("mlm.ln", m, d),
            LayerSpec.TokenLinear("mlm.decoder", m, d, vocabulary, tied: true),
        ]);
        return Bert("bert-large-pretrain", 24, 1024, 16, head);
    }

    /// <summary>
    /// A BERT encoder of <paramref name="layers"/> layers on <see cref="BertSequence"/> tokens of
    /// <paramref name="model"/> features: <c>embeddings</c> (token, position and segment embeddings summed, LayerNorm,
    /// dropout), then per layer <c>layerK.attention</c> (the Q, K, V projections as one Linear, <paramref name="heads"/>-head
    /// attention with softmax and dropout, the output projection, dropout, the residual sum with the block's input,
    /// LayerNorm) and <c>layerK.ffn</c> (Linear to 4× the width, GELU, Linear back, dropout, residual, LayerNorm), then
    /// <paramref name="head"/>. Each block's output is a feedback point.
    /// </summary>
    private static NetworkSpec Bert(string name, int layers, int model, int heads, BlockSpec head)
    {
        const int s = BertSequence;
        int tokens = s * model;
        var blocks = new List<BlockSpec>
        {
            new("embeddings",
            [
                LayerSpec.EmbeddingOf("embeddings", s, model, (long)(BertVocabulary + BertMaxPositions + BertSegments) * model),
                LayerSpec.LayerNormOf("embeddings.ln", s, model),
                Dropout("embeddings.dropout", tokens),
            ]),
        };
        for (int k = 1; k <= layers; k++)
        {
            string a = $"layer{k}.attention", f = $"layer{k}.ffn";
            blocks.Add(new BlockSpec(a,
            [
                LayerSpec.TokenLinear($"{a}.qkv", s, model, 3 * model),
                LayerSpec.AttentionOf($"{a}.heads", s, model, heads),
                LayerSpec.TokenLinear($"{a}.output", s, model, model),
                Dropout($"{a}.dropout", tokens),
                LayerSpec.Residual($"{a}.add", tokens),
                LayerSpec.LayerNormOf($"{a}.ln", s, model),
            ]));
            blocks.Add(new BlockSpec(f,
            [
                LayerSpec.TokenLinear($"{f}.intermediate", s, model, 4 * model),
                Activation($"{f}.gelu", ActivationKind.Gelu, 4 * tokens),
                LayerSpec.TokenLinear($"{f}.output", s, 4 * model, model),
                Dropout($"{f}.dropout", tokens),
                LayerSpec.Residual($"{f}.add", tokens),
                LayerSpec.LayerNormOf($"{f}.ln", s, model),
            ]));
        }

        blocks.Add(head);
        return new NetworkSpec(name, blocks);
    }

    /// <summary>BERT's pooler (the [CLS] token through a <c>d → d</c> Linear and tanh) and a classifier onto <paramref name="outputs"/>.</summary>
    private static BlockSpec Classifier(int model, int outputs) => new("pooler",
    [
        LayerSpec.GatherOf("pooler.cls", BertSequence, 1, model),
        LayerSpec.Linear("pooler", model, model),
        Activation("pooler.tanh", ActivationKind.Tanh, model),
        Dropout("classifier.dropout", model),
        LayerSpec.Linear("classifier", model, outputs),
    ]);

    private static LayerSpec Activation(string name, ActivationKind kind, int size) => LayerSpec.ActivationOf(name, kind, size, new ModelConfig());

    private static LayerSpec Dropout(string name, int size) => new(name, LayerKind.Dropout, size, size) { DropoutP = 0.1 };
}
