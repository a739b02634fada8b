package dev.adjoint.examples;

import dev.adjoint.Tensor;
import dev.adjoint.layers.AdaptiveAvgPool2d;
import dev.adjoint.layers.BatchNorm2d;
import dev.adjoint.layers.Conv2d;
import dev.adjoint.layers.Flatten;
import dev.adjoint.layers.Identity;
import dev.adjoint.layers.Linear;
import dev.adjoint.layers.Module;
import dev.adjoint.layers.ReLU;
import dev.adjoint.layers.Sequential;

/**
 * The small CNNs people train today, as their PyTorch twins in {@code examples/pytorch/small_cnns.py}
 * define them (same layers, same state-dict names): a CIFAR-style ResNet-20 and a depthwise-separable
 * net (MobileNet's building block).
 */
public final class SmallCnns {
    private SmallCnns() {
    }

    /** 3x3 convolution without bias, padding 1 (ResNet's). */
    static Conv2d conv3x3(int in, int out, int stride) {
        return new Conv2d(in, out, 3, stride, 1, 1, 1, false);
    }

    /**
     * ResNet's basic block: two 3x3 convolutions with BatchNorm, ReLU between, the input added back
     * (through a 1x1 stride-2 convolution and BatchNorm where the shape changes), then ReLU.
     */
    public static final class BasicBlock extends Module {
        final Conv2d conv1;
        final BatchNorm2d bn1;
        final Conv2d conv2;
        final BatchNorm2d bn2;
        final Module shortcut;

        /** The fields register themselves under their names (conv1.weight, bn1.running_mean, shortcut.0.weight, ...). */
        public BasicBlock(int in, int out, int stride) {
            conv1 = conv3x3(in, out, stride);
            bn1 = new BatchNorm2d(out);
            conv2 = conv3x3(out, out, 1);
            bn2 = new BatchNorm2d(out);
            shortcut = stride != 1 || in != out ? new Sequential(new Conv2d(in, out, 1, stride, 0, 1, 1, false), new BatchNorm2d(out)) : new Identity();
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor y = bn1.forward(conv1.forward(x)).relu();
            y = bn2.forward(conv2.forward(y));
            return y.add(shortcut.forward(x)).relu();
        }

        @Override
        protected String describe() {
            return "BasicBlock";
        }
    }

    /** CIFAR's ResNet-20 (He et al. 2015, section 4.2, with projection shortcuts): 16/32/64 channels, three blocks each. */
    public static Sequential resnet20(int inChannels, int classes) {
        return new Sequential(
                conv3x3(inChannels, 16, 1), new BatchNorm2d(16), new ReLU(),
                new BasicBlock(16, 16, 1), new BasicBlock(16, 16, 1), new BasicBlock(16, 16, 1),
                new BasicBlock(16, 32, 2), new BasicBlock(32, 32, 1), new BasicBlock(32, 32, 1),
                new BasicBlock(32, 64, 2), new BasicBlock(64, 64, 1), new BasicBlock(64, 64, 1),
                new AdaptiveAvgPool2d(1), new Flatten(), new Linear(64, classes));
    }

    /**
     * A depthwise-separable net: a 3x3 convolution to 32 channels, then four blocks of a depthwise
     * 3x3 convolution ({@code groups == channels}; stride 2 in blocks 2 and 4) and a pointwise 1x1
     * convolution doubling the channels, each followed by BatchNorm and ReLU; average pool, linear.
     */
    public static Sequential dwnet(int inChannels, int classes) {
        java.util.List<Module> layers = new java.util.ArrayList<>(java.util.List.of(
                conv3x3(inChannels, 32, 1), new BatchNorm2d(32), new ReLU()));
        int c = 32;
        for (int block = 1; block <= 4; block++) {
            int stride = block % 2 == 0 ? 2 : 1;
            layers.add(new Conv2d(c, c, 3, stride, 1, 1, c, false));
            layers.add(new BatchNorm2d(c));
            layers.add(new ReLU());
            layers.add(new Conv2d(c, 2 * c, 1, 1, 0, 1, 1, false));
            layers.add(new BatchNorm2d(2 * c));
            layers.add(new ReLU());
            c *= 2;
        }
        layers.add(new AdaptiveAvgPool2d(1));
        layers.add(new Flatten());
        layers.add(new Linear(c, classes));
        return new Sequential(layers.toArray(new Module[0]));
    }
}
