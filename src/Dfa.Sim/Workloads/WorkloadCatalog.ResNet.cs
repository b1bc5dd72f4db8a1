using Dfa.Core.Layers;
using Dfa.Core.Networks;

namespace Dfa.Sim.Workloads;

public static partial class WorkloadCatalog
{
    /// <summary>
    /// ResNet-50 v1.5 (He et al. 2016, arXiv 1512.03385, Table 1, 50-layer column; v1.5 as torchvision and NVIDIA's
    /// DeepLearningExamples build it: the stride-2 of a downsampling bottleneck on its 3×3 convolution) on a 3×224×224
    /// input: <c>conv1</c> (7×7/2 → 64, BatchNorm, ReLU, 3×3/2 max pool with padding 1), sixteen bottlenecks
    /// <c>layer1.0 … layer4.2</c> (3, 4, 6, 3 of them at widths 64, 128, 256, 512: 1×1 → BatchNorm → ReLU → 3×3 →
    /// BatchNorm → ReLU → 1×1 to 4× the width → BatchNorm, the residual sum with the block's input (through a 1×1
    /// convolution and BatchNorm where the shape changes), ReLU), then <c>fc</c> (global 7×7 average pool, Linear
    /// 2048 → e). Convolutions have no bias. Priced only. Each bottleneck's output is its feedback point.
    /// </summary>
    public static NetworkSpec ResNet50(int outputs)
    {
        var blocks = new List<BlockSpec>();
        var map = new ImageShape(3, 224, 224);
        LayerSpec stem = LayerSpec.Convolution("conv1", new ConvShape(map, 64, Kernel: 7, Stride: 2, Padding: 3), "init/conv1", bias: false);
        map = stem.Conv!.Output;
        LayerSpec pool = LayerSpec.Pooling("maxpool", LayerKind.MaxPool, new PoolShape(map, Window: 3, Stride: 2, Padding: 1));
        blocks.Add(new BlockSpec("conv1", [stem, LayerSpec.BatchNorm2d("bn1", map), Relu("relu", map.Size), pool]));
        map = pool.Pool!.Output("maxpool2d");

        (int Width, int Blocks, int Stride)[] stages = [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)];
        for (int s = 0; s < stages.Length; s++)
        {
            (int width, int count, int stride) = stages[s];
            for (int k = 0; k < count; k++)
            {
                string name = $"layer{s + 1}.{k}";
                int step = k == 0 ? stride : 1;
                ImageShape input = map;
                LayerSpec c1 = LayerSpec.Convolution($"{name}.conv1", new ConvShape(input, width, 1, 1, 0), $"init/{name}.conv1", bias: false);
                ImageShape m1 = c1.Conv!.Output;
                LayerSpec c2 = LayerSpec.Convolution($"{name}.conv2", new ConvShape(m1, width, 3, step, 1), $"init/{name}.conv2", bias: false);
                ImageShape m2 = c2.Conv!.Output;
                LayerSpec c3 = LayerSpec.Convolution($"{name}.conv3", new ConvShape(m2, 4 * width, 1, 1, 0), $"init/{name}.conv3", bias: false);
                ImageShape m3 = c3.Conv!.Output;
                ConvShape? shortcut = k == 0 ? new ConvShape(input, 4 * width, 1, step, 0) : null;
                blocks.Add(new BlockSpec(name,
                [
                    c1, LayerSpec.BatchNorm2d($"{name}.bn1", m1), Relu($"{name}.relu1", m1.Size),
                    c2, LayerSpec.BatchNorm2d($"{name}.bn2", m2), Relu($"{name}.relu2", m2.Size),
                    c3, LayerSpec.BatchNorm2d($"{name}.bn3", m3),
                    LayerSpec.Residual($"{name}.add", m3.Size, shortcut), Relu($"{name}.relu3", m3.Size),
                ]));
                map = m3;
            }
        }

        LayerSpec avg = LayerSpec.Pooling("avgpool", LayerKind.AvgPool, new PoolShape(map, Window: map.Height, Stride: map.Height));
        blocks.Add(new BlockSpec("fc", [avg, LayerSpec.Linear("fc", avg.Pool!.Output("avgpool2d").Size, outputs, "init/fc")]));
        return new NetworkSpec("resnet50", blocks);
    }
}
